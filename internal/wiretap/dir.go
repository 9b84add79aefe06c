package wiretap

// Dir is the direction bytes travelled on a recorded connection.
type Dir int

// The two directions of a connection.
const (
	ClientToServer Dir = iota
	ServerToClient
)

// String is an arrow, short enough for a table column: "C→S" or "S→C".
func (d Dir) String() string {
	if d == ServerToClient {
		return "S→C"
	}
	return "C→S"
}
