package netx

import "fmt"

// Direction is the way bytes or frames travelled between the two ends of
// a connection or a link: the one direction type of the tree (the lab's
// frames, a recorded connection's chunks, a TLS record all use it).
type Direction int

// The two directions.
const (
	ClientToServer Direction = iota
	ServerToClient
)

// String returns "client→server" or "server→client".
func (d Direction) String() string {
	switch d {
	case ClientToServer:
		return "client→server"
	case ServerToClient:
		return "server→client"
	}
	return fmt.Sprintf("Direction(%d)", int(d))
}

// Arrow is the short form for a table column: "C→S" or "S→C".
func (d Direction) Arrow() string {
	if d == ServerToClient {
		return "S→C"
	}
	return "C→S"
}
