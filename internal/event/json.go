package event

import (
	"encoding/json"
	"fmt"
)

// Marshal encodes e as one JSON object. Result and Custom events put their
// fields beside kind, demo and seq, as the --json contract always had them.
func Marshal(e Event) ([]byte, error) {
	var fields map[string]any
	switch x := e.(type) {
	case *Result:
		fields = x.Fields
	case *Custom:
		fields = x.Fields
	default:
		return json.Marshal(e)
	}
	h := e.head()
	m := make(map[string]any, len(fields)+3)
	for k, v := range fields {
		m[k] = v
	}
	m["kind"] = h.Kind
	if h.Demo != "" {
		m["demo"] = h.Demo
	}
	m["seq"] = h.Seq
	return json.Marshal(m)
}

// Decode reads one JSON object written by Marshal back into its typed
// event. Kinds this package does not define come back as *Custom.
func Decode(b []byte) (Event, error) {
	var h Head
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("decoding event: %w", err)
	}
	var e Event
	switch h.Kind {
	case "start":
		e = &Start{}
	case "step":
		e = &Step{}
	case "say":
		e = &Say{}
	case "measure":
		e = &Measure{}
	case "table":
		e = &Table{}
	case "frames":
		e = &Frames{}
	case "chart":
		e = &Chart{}
	case "explain":
		e = &Explain{}
	case "result", "":
		fields, err := rest(b)
		if err != nil {
			return nil, err
		}
		return &Result{Head: h, Fields: fields}, nil
	default:
		fields, err := rest(b)
		if err != nil {
			return nil, err
		}
		return &Custom{Head: h, Fields: fields}, nil
	}
	if err := json.Unmarshal(b, e); err != nil {
		return nil, fmt.Errorf("decoding %s event: %w", h.Kind, err)
	}
	return e, nil
}

func rest(b []byte) (map[string]any, error) {
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decoding event fields: %w", err)
	}
	delete(m, "kind")
	delete(m, "demo")
	delete(m, "seq")
	return m, nil
}
