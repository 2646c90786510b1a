package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestDatabasesAreFreshAndSeparate checks that each test database is empty
// and that what one holds is not in another.
func TestDatabasesAreFreshAndSeparate(t *testing.T) {
	ctx := context.Background()
	first, second := Database(t), Database(t)
	if first == second {
		t.Fatalf("two tests got the same database %s", first)
	}
	a, err := pgx.Connect(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	if _, err := a.Exec(ctx, "CREATE TABLE marker (x int)"); err != nil {
		t.Fatal(err)
	}
	b, err := pgx.Connect(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close(ctx)
	var n int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("a table made in one test database is seen in another")
	}
}
