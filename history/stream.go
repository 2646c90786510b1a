package history

import (
	"errors"
	"io"

	"github.com/klauspost/compress/zstd"
)

// streamReader decompresses a stored stream as it is read.
type streamReader struct {
	dec   *zstd.Decoder
	close func() error
}

// newStreamReader reads the zstd stream src, closing it with close.
func newStreamReader(src io.Reader, close func() error) (io.ReadCloser, error) {
	dec, err := zstd.NewReader(src, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
	if err != nil {
		close()
		return nil, err
	}
	return &streamReader{dec: dec, close: close}, nil
}

func (s *streamReader) Read(p []byte) (int, error) { return s.dec.Read(p) }

func (s *streamReader) Close() error {
	s.dec.Close()
	return s.close()
}

// errStreamMissing is returned for a run whose stream is not in the store.
var errStreamMissing = errors.New("the run's stream is missing from the store")
