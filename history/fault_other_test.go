//go:build !linux

package history

import "fmt"

// runNamespaceHelper needs Linux's namespaces; its tests are Linux's.
func runNamespaceHelper(scenario string) error {
	return fmt.Errorf("unknown helper %q", scenario)
}
