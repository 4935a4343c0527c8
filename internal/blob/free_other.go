//go:build !(linux || darwin || freebsd)

package blob

import "errors"

// freeBytes is unknown on this platform.
func freeBytes(string) (int64, error) {
	return 0, errors.New("free space unknown on this platform")
}
