//go:build !linux

package live

func openSource(string) (source, error) { return nil, ErrUnsupported }
