package getpost

import (
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
)

// TryCommand is one curl command the --serve output and the README offer,
// with the status the API answers when the commands run in order on a
// fresh server. The README's copy is checked against this list by a test,
// which also runs them.
type TryCommand struct {
	Args []string  // curl's arguments; "BASE" stands for http://host:port
	Want int       // the status line it gets
	Note demo.Text // what to look at
}

// TryCommands lists the commands, in the order they make sense.
var TryCommands = []TryCommand{
	{[]string{"-i", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Idempotency-Key: k1", "-d", `{"item":"book","qty":1}`, "BASE/orders"}, 201, demo.Text{En: "creates order 1", Zh: "创建订单 1"}},
	{[]string{"-i", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Idempotency-Key: k1", "-d", `{"item":"book","qty":1}`, "BASE/orders"}, 201, demo.Text{En: "same key: replayed, Idempotent-Replayed: true, still one order", Zh: "同一个 key：重放，Idempotent-Replayed: true，仍然只有一个订单"}},
	{[]string{"-i", "-X", "POST", "-H", "Content-Type: application/json", "-H", "Idempotency-Key: k1", "-d", `{"item":"book","qty":2}`, "BASE/orders"}, 422, demo.Text{En: "same key, other payload", Zh: "同一个 key、不同内容"}},
	{[]string{"-i", "-X", "POST", "-H", "Content-Type: application/json", "-d", `{"item":"book","qty":1}`, "BASE/orders"}, 201, demo.Text{En: "no key: every POST is a new order", Zh: "没有 key：每个 POST 都是一个新订单"}},
	{[]string{"-i", "BASE/orders?item=book"}, 200, demo.Text{En: "the query string ends up in the access log", Zh: "查询串会进入访问日志"}},
	{[]string{"-I", "BASE/orders/1"}, 200, demo.Text{En: "HEAD: headers only", Zh: "HEAD：只有头部"}},
	{[]string{"-i", "-X", "PUT", "-H", "Content-Type: application/json", "-d", `{"item":"lamp","qty":1}`, "BASE/orders/42"}, 201, demo.Text{En: "PUT creates order 42", Zh: "PUT 创建订单 42"}},
	{[]string{"-i", "-X", "PUT", "-H", "Content-Type: application/json", "-d", `{"item":"lamp","qty":1}`, "BASE/orders/42"}, 200, demo.Text{En: "PUT again: same state", Zh: "再次 PUT：状态不变"}},
	{[]string{"-i", "-X", "PATCH", "-H", "Content-Type: application/json", "-d", `{"op":"increment"}`, "BASE/orders/42"}, 200, demo.Text{En: "qty goes up every time", Zh: "qty 每次都增加"}},
	{[]string{"-i", "-X", "DELETE", "BASE/orders/42"}, 204, demo.Text{En: "deleted", Zh: "已删除"}},
	{[]string{"-i", "-X", "DELETE", "BASE/orders/42"}, 404, demo.Text{En: "already gone: same state, other status", Zh: "已经不存在：状态相同，状态码不同"}},
	{[]string{"-i", "-X", "POST", "-H", "Content-Type: application/json", "-d", `{"item":`, "BASE/orders"}, 400, demo.Text{En: "malformed JSON: a problem document", Zh: "JSON 格式错误：返回 problem 文档"}},
	{[]string{"-i", "-X", "DELETE", "BASE/orders"}, 405, demo.Text{En: "Allow: GET, HEAD, POST", Zh: "Allow: GET, HEAD, POST"}},
}

// Line renders the command for a shell, with base in place of BASE.
func (c TryCommand) Line(base string) string {
	parts := []string{"curl"}
	for _, a := range c.Args {
		a = strings.ReplaceAll(a, "BASE", base)
		if strings.Trim(a, shellSafe) != "" {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// shellSafe are the characters that need no quoting in a POSIX shell.
const shellSafe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@,+%"

// Argv is the command's arguments with base in place of BASE.
func (c TryCommand) Argv(base string) []string {
	out := make([]string, len(c.Args))
	for i, a := range c.Args {
		out[i] = strings.ReplaceAll(a, "BASE", base)
	}
	return out
}
