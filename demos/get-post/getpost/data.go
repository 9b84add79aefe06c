package getpost

import (
	"fmt"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/servers/orders"
)

// openData opens the database of --data, or returns nil (in memory) when
// the flag is not set. The database is closed when the run ends.
func openData(r *demo.Run) (*orders.DB, error) {
	dir := demo.ParamsOf[*params](r).Data
	if dir == "" {
		return nil, nil
	}
	db, err := orders.OpenDB(dir)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", dir, err)
	}
	r.OnClose(func() { db.Close() })
	return db, nil
}

// storeLine says where the orders live, plainly.
func storeLine(r *demo.Run, db *orders.DB) string {
	if db == nil {
		return r.T("Store: in memory. A restart loses every order and Idempotency-Key, and ids start again at 1; --data DIR keeps them in SQLite.",
			"存储：内存。重启会丢掉所有订单和 Idempotency-Key，id 重新从 1 开始；--data DIR 会把它们保存在 SQLite 里。")
	}
	return fmt.Sprintf(r.T("Store: SQLite database %s (orders and Idempotency-Keys, each key written in its order's transaction).",
		"存储：SQLite 数据库 %s（订单和 Idempotency-Key，每个 key 与它的订单在同一个事务中写入）。"), db.Path())
}
