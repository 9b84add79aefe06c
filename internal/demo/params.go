package demo

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Params are a demo's own flags, declared as a struct so that a demo reads
// them as typed fields (a typo is a compile error, not a zero):
//
//	type params struct {
//		Messages int `flag:"messages" help:"how many numbered messages to send" min:"1" max:"100000"`
//	}
//
//	Params: func() any { return &params{Messages: 200} },
//
// The values in the returned struct are the defaults. Supported field
// types: bool, int, int64, float64, string, time.Duration, and any type
// whose pointer is a flag.Value (a byte size, say). min and max
// (for numbers and durations) are checked before the demo starts, with the
// runner's one-line message. A run gets its own copy: [ParamsOf].
type paramField struct {
	name, help string
	min, max   string
	v          reflect.Value
}

// registerParams adds the fields of p (a pointer to a struct) to fs.
func registerParams(fs *flag.FlagSet, p any) ([]paramField, error) {
	rv := reflect.ValueOf(p)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("demo params must be a pointer to a struct, got %T", p)
	}
	rv = rv.Elem()
	rt := rv.Type()
	var fields []paramField
	for i := 0; i < rt.NumField(); i++ {
		sf := rt.Field(i)
		name := sf.Tag.Get("flag")
		if name == "" {
			continue
		}
		f := paramField{name: name, help: sf.Tag.Get("help"), min: sf.Tag.Get("min"), max: sf.Tag.Get("max"), v: rv.Field(i)}
		switch ptr := f.v.Addr().Interface().(type) {
		case flag.Value:
			fs.Var(ptr, name, f.help)
		case *bool:
			fs.BoolVar(ptr, name, *ptr, f.help)
		case *int:
			fs.IntVar(ptr, name, *ptr, f.help)
		case *int64:
			fs.Int64Var(ptr, name, *ptr, f.help)
		case *float64:
			fs.Float64Var(ptr, name, *ptr, f.help)
		case *string:
			fs.StringVar(ptr, name, *ptr, f.help)
		case *time.Duration:
			fs.DurationVar(ptr, name, *ptr, f.help)
		default:
			return nil, fmt.Errorf("demo param %s: unsupported type %s", sf.Name, sf.Type)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// checkParams enforces min and max.
func checkParams(fields []paramField) error {
	for _, f := range fields {
		if f.min == "" && f.max == "" {
			continue
		}
		var x, lo, hi float64
		var show func(float64) string
		parse := func(s string) float64 {
			if s == "" {
				return 0
			}
			if f.v.Type() == reflect.TypeOf(time.Duration(0)) {
				d, _ := time.ParseDuration(s)
				return float64(d)
			}
			v, _ := strconv.ParseFloat(s, 64)
			return v
		}
		switch f.v.Kind() {
		case reflect.Int, reflect.Int64:
			x = float64(f.v.Int())
			show = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
			if f.v.Type() == reflect.TypeOf(time.Duration(0)) {
				show = func(v float64) string { return time.Duration(v).String() }
			}
		case reflect.Float64:
			x = f.v.Float()
			show = func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		default:
			continue
		}
		lo, hi = parse(f.min), parse(f.max)
		low := f.min != "" && x < lo
		high := f.max != "" && x > hi
		if x != x || low || high { // x != x: NaN
			switch {
			case f.min != "" && f.max != "":
				return usage2("--%s must be between %s and %s, got %s", "--%s 必须在 %s 到 %s 之间，收到的是 %s", f.name, show(lo), show(hi), show(x))
			case f.min != "":
				return usage2("--%s must be at least %s, got %s", "--%s 至少是 %s，收到的是 %s", f.name, show(lo), show(x))
			default:
				return usage2("--%s must be at most %s, got %s", "--%s 最多是 %s，收到的是 %s", f.name, show(hi), show(x))
			}
		}
	}
	return nil
}

// checker is a Params struct with rules beyond min and max (values that
// depend on each other); Check's error becomes a usage error.
type checker interface{ Check() error }

func checkStruct(p any) error {
	c, ok := p.(checker)
	if !ok {
		return nil
	}
	if err := c.Check(); err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			return err
		}
		return usagef("%v", err)
	}
	return nil
}

// ParamsOf returns the run's params (the struct the demo's Params made,
// filled from the command line), typed.
func ParamsOf[T any](r *Run) T {
	p, _ := r.params.(T)
	return p
}
