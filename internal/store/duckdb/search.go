package duckdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	duck "github.com/duckdb/duckdb-go/v2"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

// registerFunctions adds firebreak's SQL functions to the database:
// fb_in_cidr(ip, prefix) is true when the IP text lies inside the prefix,
// for IPv4 and IPv6 alike.
func registerFunctions(ctx context.Context, db *sql.DB) error {
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	varchar, err := duck.NewTypeInfo(duck.TYPE_VARCHAR)
	if err != nil {
		return err
	}
	boolean, err := duck.NewTypeInfo(duck.TYPE_BOOLEAN)
	if err != nil {
		return err
	}
	return duck.RegisterScalarUDF(c, "fb_in_cidr", &cidrFunc{
		cfg: duck.ScalarFuncConfig{InputTypeInfos: []duck.TypeInfo{varchar, varchar}, ResultTypeInfo: boolean},
	})
}

type cidrFunc struct{ cfg duck.ScalarFuncConfig }

func (f *cidrFunc) Config() duck.ScalarFuncConfig { return f.cfg }

func (f *cidrFunc) Executor() duck.ScalarFuncExecutor {
	return duck.ScalarFuncExecutor{RowExecutor: func(v []driver.Value) (any, error) {
		ip, _ := v[0].(string)
		pfx, _ := v[1].(string)
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return false, nil
		}
		p, err := netip.ParsePrefix(pfx)
		if err != nil {
			return nil, fmt.Errorf("fb_in_cidr: bad prefix %q", pfx)
		}
		return p.Contains(a.Unmap()), nil
	}}
}

// column resolves a search field to an SQL expression and its kind.
func column(field string) (string, event.Kind, error) {
	switch field {
	case "kind", "host", "seq", "import_id":
		k := event.KindText
		if field == "seq" || field == "import_id" {
			k = event.KindInt
		}
		return quoteIdent(field), k, nil
	}
	if s, i, isInt, ok := event.Lookup(field); ok {
		info := s.Info()
		if isInt {
			info = i.Info()
		}
		if info.Hot {
			return quoteIdent(info.Column), info.Kind, nil
		}
		if isInt {
			return `TRY_CAST(json_extract(ext, '$."` + info.Name + `"') AS BIGINT)`, event.KindInt, nil
		}
		return `json_extract_string(ext, '$."` + info.Name + `"')`, info.Kind, nil
	}
	if field == "" || strings.ContainsAny(field, "\"'\\\x00") {
		return "", 0, fmt.Errorf("bad field name %q", field)
	}
	for _, r := range field {
		if r < 0x20 {
			return "", 0, fmt.Errorf("bad field name %q", field)
		}
	}
	// An original field: its position in the row's layout, or its name
	// in rows kept as JSON objects.
	return `CASE WHEN layout IS NULL THEN json_extract_string(raw, '$."` + field + `"') ELSE json_extract_string(raw, '$[' || (list_position((SELECT names FROM layouts WHERE id = layout), '` + field + `') - 1) || ']') END`, event.KindText, nil
}

// where builds the WHERE clause and its arguments for q.
func where(q store.Query) (string, []any, error) {
	var conds []string
	var args []any
	if q.From != 0 {
		conds = append(conds, "ts >= ?")
		args = append(args, time.Unix(0, q.From).UTC())
	}
	if q.To != 0 {
		conds = append(conds, "ts < ?")
		args = append(args, time.Unix(0, q.To).UTC())
	}
	in := func(col string, vals []string) {
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = "?"
			args = append(args, v)
		}
		conds = append(conds, col+" IN ("+strings.Join(ph, ", ")+")")
	}
	if len(q.Kinds) > 0 {
		in("kind", q.Kinds)
	}
	if len(q.Hosts) > 0 {
		in("host", q.Hosts)
	}
	for _, c := range q.Conds {
		if c.Field == "ip" {
			// Either end of a connection.
			sub, subArgs, err := where(store.Query{Conds: []store.Cond{{Field: "source.ip", Op: c.Op, Value: c.Value}}})
			if err != nil {
				return "", nil, err
			}
			sub2, subArgs2, _ := where(store.Query{Conds: []store.Cond{{Field: "destination.ip", Op: c.Op, Value: c.Value}}})
			join := " OR "
			if c.Op == store.OpNe {
				join = " AND "
			}
			conds = append(conds, "(("+strings.TrimPrefix(sub, " WHERE ")+")"+join+"("+strings.TrimPrefix(sub2, " WHERE ")+"))")
			args = append(append(args, subArgs...), subArgs2...)
			continue
		}
		col, kind, err := column(c.Field)
		if err != nil {
			return "", nil, err
		}
		val := c.Value
		switch kind {
		case event.KindIP:
			if c.Op == store.OpEq || c.Op == store.OpNe {
				if ip, ok := event.CanonicalIP(val); ok {
					val = ip
				}
			}
		case event.KindLower:
			val = strings.ToLower(val)
		}
		switch c.Op {
		case store.OpEq, store.OpNe:
			op := "="
			if c.Op == store.OpNe {
				op = "IS DISTINCT FROM"
			}
			if kind == event.KindInt {
				n, err := strconv.ParseInt(val, 10, 64)
				if err != nil {
					return "", nil, fmt.Errorf("%s: %q is not an integer", c.Field, c.Value)
				}
				conds = append(conds, col+" "+op+" ?")
				args = append(args, n)
				continue
			}
			conds = append(conds, col+" "+op+" ?")
			args = append(args, val)
		case store.OpContains:
			conds = append(conds, "contains(lower(CAST("+col+" AS VARCHAR)), ?)")
			args = append(args, strings.ToLower(val))
		case store.OpCIDR:
			p, err := netip.ParsePrefix(val)
			if err != nil {
				a, aerr := netip.ParseAddr(val)
				if aerr != nil {
					return "", nil, fmt.Errorf("%s: %q is not a CIDR prefix", c.Field, c.Value)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-(p.Addr().BitLen()-p.Addr().Unmap().BitLen())).Masked()
			conds = append(conds, "fb_in_cidr("+col+", ?)")
			args = append(args, p.String())
		case store.OpGt, store.OpLt:
			n, err := strconv.ParseInt(val, 10, 64)
			if err != nil {
				return "", nil, fmt.Errorf("%s: %q is not an integer", c.Field, c.Value)
			}
			op := ">"
			if c.Op == store.OpLt {
				op = "<"
			}
			if kind == event.KindInt {
				conds = append(conds, col+" "+op+" ?")
			} else {
				conds = append(conds, "TRY_CAST("+col+" AS BIGINT) "+op+" ?")
			}
			args = append(args, n)
		default:
			return "", nil, fmt.Errorf("unknown operator %d", c.Op)
		}
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// Search streams matching events in time order.
func (s *Store) Search(ctx context.Context, q store.Query, fn func(*event.Event) error) error {
	w, args, err := where(q)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	cols := eventColumns()
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.name)
	}
	order := " ORDER BY ts, import_id, seq"
	if q.Desc {
		order = " ORDER BY ts DESC, import_id DESC, seq DESC"
	}
	query := "SELECT " + strings.Join(names, ", ") + " FROM events" + w + order
	if q.Limit > 0 {
		query += " LIMIT " + strconv.Itoa(q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var ev event.Event
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		ev.Reset()
		if err := s.fill(ctx, &ev, vals); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		if err := fn(&ev); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (s *Store) fill(ctx context.Context, ev *event.Event, vals []any) error {
	if t, ok := vals[0].(time.Time); ok {
		ev.Time = t.UnixNano()
	}
	ev.Kind, _ = vals[1].(string)
	ev.Host, _ = vals[2].(string)
	ev.Seq, _ = vals[4].(int64)
	i := len(fixedColumns)
	for _, f := range s.hotS {
		if v, ok := vals[i].(string); ok {
			ev.SetStr(f, v)
		}
		i++
	}
	for _, f := range s.hotI {
		if v, ok := vals[i].(int64); ok {
			ev.SetInt(f, v)
		}
		i++
	}
	if ext, _ := vals[i].(string); ext != "" {
		if err := decodeExtJSON(ext, ev); err != nil {
			return err
		}
	}
	raw, _ := vals[i+2].(string)
	if raw == "" {
		return nil
	}
	if layout, ok := vals[i+1].(int64); ok {
		names, err := s.layouts.lookup(ctx, s.db, layout)
		if err != nil {
			return err
		}
		return decodeRawValues(raw, names, ev)
	}
	return decodeRawJSON(raw, ev)
}

// decodeRawValues reads a JSON array of values back into ordered fields
// named by the layout.
func decodeRawValues(s string, names []string, ev *event.Event) error {
	var vals []string
	if err := json.Unmarshal([]byte(s), &vals); err != nil {
		return fmt.Errorf("raw column: %w", err)
	}
	if len(vals) != len(names) {
		return fmt.Errorf("raw column has %d values for a layout of %d names", len(vals), len(names))
	}
	for i, v := range vals {
		ev.AddRaw(names[i], v)
	}
	return nil
}

// decodeExtJSON reads the ext column back into normalised fields.
func decodeExtJSON(s string, ev *event.Event) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("ext column: %w", err)
	}
	for k, v := range m {
		sf, nf, isInt, ok := event.Lookup(k)
		if !ok {
			continue
		}
		switch x := v.(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil && isInt {
				ev.SetInt(nf, n)
			}
		case string:
			if !isInt {
				ev.SetStr(sf, x)
			}
		}
	}
	return nil
}

// decodeRawJSON reads the raw column back into ordered fields.
func decodeRawJSON(s string, ev *event.Event) error {
	dec := json.NewDecoder(strings.NewReader(s))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("raw column is not a JSON object")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		vt, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		v, _ := vt.(string)
		ev.AddRaw(k, v)
	}
	return nil
}

// Stats counts events per kind, host and day for the events q selects.
func (s *Store) Stats(ctx context.Context, q store.Query) ([]store.StatRow, error) {
	w, args, err := where(q)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, coalesce(host, ''), CAST(date_trunc('day', CAST(ts AS TIMESTAMP)) AS TIMESTAMP) AS day,
		count(*), epoch_ns(min(ts)), epoch_ns(max(ts)) FROM events`+w+` GROUP BY ALL ORDER BY day, kind, 2`, args...)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	defer rows.Close()
	var out []store.StatRow
	for rows.Next() {
		var r store.StatRow
		if err := rows.Scan(&r.Kind, &r.Host, &r.Day, &r.Events, &r.First, &r.Last); err != nil {
			return nil, fmt.Errorf("stats: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
