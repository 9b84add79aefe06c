package netx

import "testing"

func TestDirectionNames(t *testing.T) {
	for _, tt := range []struct {
		d           Direction
		long, arrow string
	}{
		{ClientToServer, "client→server", "C→S"},
		{ServerToClient, "server→client", "S→C"},
	} {
		if got := tt.d.String(); got != tt.long {
			t.Errorf("Direction(%d).String() = %q, want %q", int(tt.d), got, tt.long)
		}
		if got := tt.d.Arrow(); got != tt.arrow {
			t.Errorf("Direction(%d).Arrow() = %q, want %q", int(tt.d), got, tt.arrow)
		}
	}
}
