package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// sseFrame is one frame of an event stream as a client read it.
type sseFrame struct {
	id  int
	msg message
}

// readStream reads an event stream to its end.
func readStream(ctx context.Context, url string, lastID string) ([]sseFrame, int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, resp.StatusCode, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		return nil, resp.StatusCode, fmt.Errorf("Content-Type %q", ct)
	}
	var out []sseFrame
	var cur sseFrame
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.id, _ = strconv.Atoi(line[4:])
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[6:]), &cur.msg); err != nil {
				return out, resp.StatusCode, fmt.Errorf("frame %d: %v", cur.id, err)
			}
		case line == "" && cur.id != 0:
			out = append(out, cur)
			cur = sseFrame{}
		}
	}
	return out, resp.StatusCode, sc.Err()
}

func waitStatus(t *testing.T, s *Server, id string, want string) {
	t.Helper()
	r := s.runs.get(id)
	if r == nil {
		t.Fatalf("no run %s", id)
	}
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("run %s did not end", id)
	}
	if got := r.state(); got != want {
		t.Fatalf("run %s ended %s, want %s", id, got, want)
	}
}

// checkOrder checks that frames are numbered 1, 2, … with no gap and that
// the events in them come in increasing seq.
func checkOrder(t *testing.T, who string, fr []sseFrame, firstID int) {
	t.Helper()
	seq := 0
	for i, f := range fr {
		if f.id != firstID+i {
			t.Fatalf("%s: frame %d has id %d, want %d", who, i, f.id, firstID+i)
		}
		if f.msg.Seq != 0 {
			if f.msg.Seq <= seq {
				t.Fatalf("%s: event seq %d after %d", who, f.msg.Seq, seq)
			}
			seq = f.msg.Seq
		}
	}
}

// A class: 50 viewers of one run, joining before, during and after it,
// each receive every event, in order, the same as everyone else.
func TestFiftyViewersEachGetEveryEventInOrder(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"messages":"300","gap":"1ms"}}`)
	url := hs.URL + "/api/runs/" + id + "/events"
	const viewers = 50
	got := make([][]sseFrame, viewers)
	errs := make(chan error, viewers)
	var wg sync.WaitGroup
	for i := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the joins across the run; the last ones join after it.
			time.Sleep(time.Duration(i) * 10 * time.Millisecond)
			fr, code, err := readStream(context.Background(), url, "")
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("status %d", code)
			}
			got[i] = fr
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	waitStatus(t, s, id, "done")
	want := s.runs.get(id).cast.length()
	for i, fr := range got {
		who := fmt.Sprintf("viewer %d", i)
		if len(fr) != want {
			t.Fatalf("%s got %d frames, want all %d", who, len(fr), want)
		}
		checkOrder(t, who, fr, 1)
		for k := range fr {
			if fr[k].msg != got[0][k].msg {
				t.Fatalf("%s frame %d differs from viewer 0's", who, k+1)
			}
		}
		if last := fr[len(fr)-1].msg; last.Kind != "status" || last.Status != "done" {
			t.Fatalf("%s: last frame %+v, want status done", who, last)
		}
	}
	// Every event of the run is there: 300 messages of narration, the
	// result, and the demo's own "packet" event.
	kinds := map[string]int{}
	for _, f := range got[0] {
		kinds[f.msg.Kind]++
	}
	if kinds["say"] < 300 || kinds["result"] != 1 || kinds["packet"] != 1 || kinds["frames"] != 1 || kinds["chart"] != 1 {
		t.Fatalf("kinds = %v, want 300+ say and one each of result, packet, frames, chart", kinds)
	}
	if cleaned.Load() != 1 {
		t.Fatalf("cleanups ran %d times, want 1", cleaned.Load())
	}
}

func TestResumeFromLastEventID(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake"}`)
	waitStatus(t, s, id, "done")
	url := hs.URL + "/api/runs/" + id + "/events"
	all, _, err := readStream(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	rest, _, err := readStream(context.Background(), url, "5")
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != len(all)-5 || rest[0].id != 6 {
		t.Fatalf("resuming after 5: %d frames from id %d, want %d from 6", len(rest), rest[0].id, len(all)-5)
	}
	checkOrder(t, "resumed", rest, 6)
	// Caught up on a finished run: 204, so that EventSource stops.
	_, code, err := readStream(context.Background(), url, strconv.Itoa(len(all)))
	if err != nil || code != http.StatusNoContent {
		t.Fatalf("resuming at the end: status %d (%v), want 204", code, err)
	}
	for _, bad := range []string{"x", "-1", "99999999999999"} {
		_, code, _ := readStream(context.Background(), url, bad)
		if code != http.StatusBadRequest {
			t.Errorf("Last-Event-ID %q: status %d, want 400", bad, code)
		}
	}
}

// stalledViewer opens an event stream and never reads it.
func stalledViewer(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
	return c
}

func heapInUse() uint64 {
	var m runtime.MemStats
	for range 3 {
		runtime.GC()
	}
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// Viewers that stop reading neither stall the run nor cost memory: the run
// finishes while they sit there, the heap grows by far less than one copy
// of the log per viewer, and each is dropped when its writes time out,
// its goroutine gone.
func TestStalledViewersDoNotStallTheRunOrGrowMemory(t *testing.T) {
	var cleaned atomic.Int32
	// The write timeout is long: the viewers stay connected, stalled,
	// while the memory is measured.
	s, hs := newTestServer(t, Config{WriteTimeout: time.Minute}, fakeDemo(&cleaned))
	addr := strings.TrimPrefix(hs.URL, "http://")
	baseGoroutines := runtime.NumGoroutine()

	// A run whose log (about 4 MB) is far more than a socket buffers.
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"messages":"2000","big":"2000","hold":"false"}}`)
	const stalled = 20
	var conns []net.Conn
	for range stalled {
		conns = append(conns, stalledViewer(t, addr, "/api/runs/"+id+"/events"))
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	waitStatus(t, s, id, "done") // did not stall
	logSize := s.runs.get(id).cast.size
	if logSize < 4_000_000 {
		t.Fatalf("log is %d bytes; the test needs a log bigger than socket buffers", logSize)
	}

	// Memory with the stalled viewers connected, against the same server
	// once they are gone: the difference is per-connection buffers, not
	// copies of the log.
	with := heapInUse()
	if n := runtime.NumGoroutine(); n < baseGoroutines+stalled {
		t.Fatalf("%d goroutines, %d before: the stalled viewers are not all still connected", n, baseGoroutines)
	}
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	deadline := time.Now().Add(20 * time.Second)
	for runtime.NumGoroutine() > baseGoroutines+2 && time.Now().Before(deadline) {
		http.DefaultClient.CloseIdleConnections() // startRun's keep-alive connection
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > baseGoroutines+2 {
		t.Errorf("%d goroutines after the viewers left, %d before: a viewer's goroutine leaked", n, baseGoroutines)
	}
	without := heapInUse()
	grow := int64(with) - int64(without)
	t.Logf("log %d bytes; heap with %d stalled viewers %d, without %d (%+d)", logSize, stalled, with, without, grow)
	if grow > int64(logSize)/4 {
		t.Errorf("%d stalled viewers held %d bytes of heap, more than a quarter of one log (%d): viewers are copying the log", stalled, grow, logSize)
	}
}

// A viewer that stops reading is dropped once a write waits longer than
// the write timeout.
func TestStalledViewerIsDropped(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{WriteTimeout: 300 * time.Millisecond}, fakeDemo(&cleaned))
	addr := strings.TrimPrefix(hs.URL, "http://")
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"messages":"2000","big":"2000"}}`)
	c := stalledViewer(t, addr, "/api/runs/"+id+"/events")
	defer c.Close()
	waitStatus(t, s, id, "done")
	time.Sleep(time.Second) // the server's write times out meanwhile
	// Now read: the stream ends early, without the final status.
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the dropped stream: %v (%d bytes of %d; ends %q)", err, len(b), s.runs.get(id).cast.size, b[max(0, len(b)-200):])
	}
	if strings.Contains(string(b), `"status":"done"`) {
		t.Fatalf("the stalled viewer got the whole stream (%d bytes); want it dropped", len(b))
	}
	if total := s.runs.get(id).cast.size; len(b) >= total {
		t.Fatalf("read %d bytes of a %d-byte log", len(b), total)
	}
}

// A viewer that goes away mid-run leaves no goroutine behind.
func TestViewerDisconnectLeavesNoGoroutine(t *testing.T) {
	var cleaned atomic.Int32
	s, hs := newTestServer(t, Config{}, fakeDemo(&cleaned))
	id := startRun(t, hs.URL, `{"demo":"fake","flags":{"hold":"true"}}`)
	base := runtime.NumGoroutine()
	for range 10 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			readStream(ctx, hs.URL+"/api/runs/"+id+"/events", "")
			close(done)
		}()
		time.Sleep(20 * time.Millisecond)
		cancel()
		<-done
	}
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base+1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+1 {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after 10 viewers came and went, %d before\n%s", n, base, buf[:runtime.Stack(buf, true)])
	}
	s.runs.get(id).cancel()
	waitStatus(t, s, id, "cancelled")
}
