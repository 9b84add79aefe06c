package getpost

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/child"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// serverChild is the child process that serves the orders API from a data
// directory, on a listener its parent handed over: the parent keeps the
// listening socket, so a restarted child serves the same port, and
// connections made while no child runs wait in the kernel's accept queue.
const serverChild = "getpost-server"

func init() { child.Register(serverChild, serveChild) }

// committedLine is what the child prints when it stalls after a commit.
const committedLine = "committed"

// serveChild runs the orders API over a database in --data. With
// --stall-after-commit it prints committedLine once the first keyed
// request is durable, and then never answers it: its parent kills it there.
func serveChild(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet(serverChild, flag.ContinueOnError)
	data := fs.String("data", "", "data directory")
	keysInMemory := fs.Bool("keys-in-memory", false, "keep Idempotency-Keys in memory")
	stall := fs.Bool("stall-after-commit", false, "stop before answering the first committed keyed request")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f := child.File("listener")
	if f == nil || *data == "" {
		fmt.Fprintln(os.Stderr, "getpost-server: needs --data and a listener from its parent")
		return 2
	}
	ln, err := net.FileListener(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "getpost-server: the inherited listener: %v\n", err)
		return 1
	}
	db, err := orders.OpenDB(*data)
	if err != nil {
		fmt.Fprintf(os.Stderr, "getpost-server: %v\n", err)
		return 1
	}
	defer db.Close()
	cfg := orders.Config{DB: db, KeysInMemory: *keysInMemory}
	if *stall {
		var once sync.Once
		cfg.AfterCommit = func(*http.Request) {
			once.Do(func() {
				fmt.Println(committedLine)
				<-ctx.Done() // the parent kills us first
				os.Exit(1)
			})
		}
	}
	srv := orders.NewHTTPServer(orders.New(cfg), orders.Timeouts{})
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		fmt.Fprintf(os.Stderr, "getpost-server: %v\n", err)
		return 1
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	return 0
}

// crashOutcome is what one half of the crash step saw.
type crashOutcome struct {
	keysInMemory bool
	key          string
	pid, pid2    int
	firstErr     string // what the client got when the server died
	restart      time.Duration
	retry        reply
	orders       int
}

// crashRun kills a server child between its commit and its answer, starts
// a new one on the same data directory and listener, retries the POST
// with the same Idempotency-Key, and counts the orders the new server has.
func crashRun(ctx context.Context, keysInMemory bool, key string) (out crashOutcome, err error) {
	out = crashOutcome{keysInMemory: keysInMemory, key: key}
	dir, err := os.MkdirTemp("", "netdemo-getpost-")
	if err != nil {
		return out, fmt.Errorf("creating a data directory: %w", err)
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return out, fmt.Errorf("listening for the server child: %w", err)
	}
	defer ln.Close()
	lf, err := ln.(*net.TCPListener).File()
	if err != nil {
		return out, fmt.Errorf("handing the listener to the child: %w", err)
	}
	defer lf.Close()
	base := "http://" + ln.Addr().String()
	args := []string{"--data", dir}
	if keysInMemory {
		args = append(args, "--keys-in-memory")
	}
	var stderr child.Buffer
	start := func(extra ...string) (*child.Proc, io.Reader, error) {
		cmd, err := child.Command(ctx, serverChild, append(slices.Clone(args), extra...), child.Files{"listener": lf})
		if err != nil {
			return nil, nil, err
		}
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return nil, nil, err
		}
		p, err := child.StartCmd(serverChild, cmd)
		return p, stdout, err
	}
	childErr := func(err error) error {
		if s := strings.TrimSpace(stderr.String()); s != "" {
			return fmt.Errorf("%w (the server child said: %s)", err, firstLine(s))
		}
		return err
	}

	p, stdout, err := start("--stall-after-commit")
	if err != nil {
		return out, err
	}
	defer p.Stop(time.Second)
	out.pid = p.PID()
	// One connection per request, so that Go's Transport never retries on
	// its own: the retry below is the client's, on purpose.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	c := &client{base: base, hc: hc}
	const body = `{"item":"crash","qty":1}`
	type result struct {
		rep reply
		err error
	}
	firstc := make(chan result, 1)
	go func() {
		rep, err := c.send(ctx, "POST", "/orders", body, orders.KeyHeader, key)
		firstc <- result{rep, err}
	}()
	committed := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != committedLine {
			err = fmt.Errorf("the server child said %q, want %q", line, committedLine)
		}
		committed <- err
	}()
	select {
	case err := <-committed:
		if err != nil {
			return out, childErr(fmt.Errorf("waiting for the server child to commit: %w", err))
		}
	case f := <-firstc:
		return out, childErr(fmt.Errorf("the first POST was answered (%d, %v) although the server was to die first", f.rep.Status, f.err))
	case <-time.After(10 * time.Second):
		return out, childErr(errors.New("the server child did not commit within 10 s"))
	case <-ctx.Done():
		return out, ctx.Err()
	}
	p.Cmd.Process.Kill() // SIGKILL: no deferred function, no flush, no answer
	p.Wait()
	first := <-firstc
	if first.err == nil {
		return out, fmt.Errorf("the client got %d from a server that was killed before it answered", first.rep.Status)
	}
	out.firstErr = errorText(first.err)

	t0 := time.Now()
	p2, _, err := start()
	if err != nil {
		return out, err
	}
	defer p2.Stop(2 * time.Second)
	out.pid2 = p2.PID()
	// The retry connects at once: the kernel queues it on the listener
	// until the new server accepts.
	out.retry, err = c.send(ctx, "POST", "/orders", body, orders.KeyHeader, key)
	if err != nil {
		return out, childErr(fmt.Errorf("the retry after the restart: %w", err))
	}
	out.restart = time.Since(t0)
	list, err := c.send(ctx, "GET", "/orders?item=crash", "")
	if err != nil {
		return out, childErr(fmt.Errorf("listing the orders after the restart: %w", err))
	}
	var n int
	if n, err = countJSON(list.Body); err != nil {
		return out, fmt.Errorf("listing the orders after the restart: %w", err)
	}
	out.orders = n
	return out, nil
}

// stepCrashRetry: the server dies after its commit, before its answer; the
// client retries with the key after the restart.
func stepCrashRetry(ctx context.Context, r *demo.Run, fu *future[[2]crashOutcome], res *Result) error {
	r.Step("crash-retry", r.T("The server crashes after the commit, before the answer: the key must be in the same transaction",
		"服务器在提交之后、响应之前崩溃：key 必须和订单在同一个事务里"))
	if !crashSupported {
		r.Printf("%s", r.T("  this step needs Unix (a child process inherits the listening socket); run it on Linux or macOS",
			"  这一步需要 Unix（子进程要继承监听套接字）；请在 Linux 或 macOS 上运行"))
		return nil
	}
	outs, err := fu.wait(ctx)
	if err != nil {
		return fmt.Errorf("the crash step: %w", err)
	}
	c := &client{r: r}
	for _, o := range outs {

		if o.keysInMemory {
			r.Printf("%s", r.T("  orders in SQLite, Idempotency-Keys in the server's memory:", "  订单在 SQLite 里，Idempotency-Key 在服务器内存里："))
		} else {
			r.Printf("%s", r.T("  orders and Idempotency-Keys in SQLite, written in one transaction:", "  订单和 Idempotency-Key 都在 SQLite 里，在同一个事务中写入："))
		}
		r.Printf(r.T("    POST /orders %s: %s → server (pid %d) committed, then was killed (SIGKILL) before answering; the client got %q",
			"    POST /orders %s: %s → 服务器（pid %d）已提交，随后在响应前被杀死（SIGKILL）；客户端得到 %q"),
			orders.KeyHeader, o.key, o.pid, o.firstErr)
		r.Printf(r.T("    new server (pid %d) on the same data directory and port; the retry with the same key, %d ms after the restart began:",
			"    新的服务器（pid %d）使用同一个数据目录和端口；带同一个 key 的重试，在重启开始 %d ms 后："), o.pid2, o.restart.Milliseconds())
		c.narrate("POST", "/orders", `{"item":"crash","qty":1}`, []string{orders.KeyHeader, o.key}, o.retry)
		replayed := o.retry.Header.Get(orders.ReplayedHeader) == "true"
		switch {
		case replayed && o.orders == 1:
			r.Printf(r.T("    → replayed from the database: %d order", "    → 从数据库重放：%d 个订单"), o.orders)
		case !replayed && o.orders > 1:
			r.Printf(r.T("    → the key died with the process, the order did not: %d orders for one intended order",
				"    → key 随进程一起消失了，订单却没有：本来只想下一单，结果有 %d 个订单"), o.orders)
		default:
			r.Printf(r.T("    → replayed: %v, orders: %d", "    → 重放：%v，订单数：%d"), replayed, o.orders)
		}
	}
	res.CrashRetry = CrashRetry{KeysInTransactionOrders: outs[0].orders, KeysInMemoryOrders: outs[1].orders}
	r.Measure("crash_keys_in_transaction_orders", outs[0].orders, r.T("order(s)", "个订单"))
	r.Measure("crash_keys_in_memory_orders", outs[1].orders, r.T("order(s)", "个订单"))
	r.Set("crash_client_error", outs[0].firstErr)
	r.Set("crash_restart_ms", max(outs[0].restart, outs[1].restart).Milliseconds())
	return nil
}

// crashSupported: the child inherits the listening socket, which needs Unix.
const crashSupported = runtime.GOOS != "windows"

// measureCrash runs both halves at once: the key in the order's
// transaction, and the key in memory.
func measureCrash(ctx context.Context, r *demo.Run) ([2]crashOutcome, error) {
	var outs [2]crashOutcome
	if !crashSupported {
		return outs, nil
	}
	var errs [2]error
	var wg sync.WaitGroup
	for i, inMemory := range []bool{false, true} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = crashRun(ctx, inMemory, fmt.Sprintf("crash-%d-%d", r.Seed, i+1))
		}()
	}
	wg.Wait()
	return outs, errors.Join(errs[0], errs[1])
}

// countJSON counts the elements of a JSON array of orders.
func countJSON(b []byte) (int, error) {
	var list []orders.Order
	if err := json.Unmarshal(b, &list); err != nil {
		return 0, fmt.Errorf("the order list %q: %w", short(string(b), 80), err)
	}
	return len(list), nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
