package getpost

import (
	"context"
	"fmt"

	"github.com/netdemo/netdemo/internal/servers/orders"
)

// orderList reads the server's own store (never what a response claimed):
// the orders with item, or all of them when item is "".
func orderList(ctx context.Context, api *orders.API, item string) ([]orders.Order, error) {
	list, err := api.Store().List(ctx, item)
	if err != nil {
		return nil, fmt.Errorf("reading the server's orders: %w", err)
	}
	return list, nil
}

// orderCount is the number of orders with item (all when "").
func orderCount(ctx context.Context, api *orders.API, item string) (int, error) {
	list, err := orderList(ctx, api, item)
	return len(list), err
}
