package fastcgi

import (
	"bytes"
	"io"
)

// Decode splits a recorded byte stream (one direction of a connection)
// into its records. It returns the records read before an error, and the
// error (nil when the stream ends exactly at a record boundary).
func Decode(stream []byte) ([]Record, error) {
	r := bytes.NewReader(stream)
	var out []Record
	for {
		rec, err := ReadRecord(r)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}
