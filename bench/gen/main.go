// Command gen writes synthetic Zeek logs for benchmarks and for the sample
// that ships with firebreak: a large conn.log of a given size, or a small,
// coherent set of conn, dns, http and ssl logs in which one workstation
// beacons to a command-and-control server.
//
// Usage:
//
//	go run ./bench/gen conn -size 2GB -out /tmp/conn.log [-json] [-seed 1]
//	go run ./bench/gen sample -out testdata/sample/zeek
package main

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gen conn|sample [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "conn":
		err = connCmd(os.Args[2:])
	case "sample":
		err = sampleCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	u := strings.ToUpper(s)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if strings.HasSuffix(u, suf.s) {
			mult = suf.m
			u = strings.TrimSuffix(u, suf.s)
			break
		}
	}
	n, err := strconv.ParseFloat(u, 64)
	return int64(n * float64(mult)), err
}

const connHeader = `#separator \x09
#set_separator	,
#empty_field	(empty)
#unset_field	-
#path	conn
#open	2026-11-20-00-00-00
#fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration	orig_bytes	resp_bytes	conn_state	local_orig	local_resp	missed_bytes	history	orig_pkts	orig_ip_bytes	resp_pkts	resp_ip_bytes	tunnel_parents
#types	time	string	addr	port	addr	port	enum	string	interval	count	count	string	bool	bool	count	string	count	count	count	count	set[string]
`

var services = []struct {
	port  int
	proto string
	svc   string
}{{443, "tcp", "ssl"}, {80, "tcp", "http"}, {53, "udp", "dns"}, {445, "tcp", "smb"}, {3389, "tcp", "-"}, {123, "udp", "ntp"}, {8080, "tcp", "http"}}

var states = []string{"SF", "SF", "SF", "S0", "REJ", "RSTO", "SH", "OTH"}

func uid(r *rand.Rand) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 18)
	b[0] = 'C'
	for i := 1; i < len(b); i++ {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}

func connCmd(args []string) error {
	fs := flag.NewFlagSet("conn", flag.ExitOnError)
	size := fs.String("size", "100MB", "approximate output size")
	out := fs.String("out", "conn.log", "output file")
	asJSON := fs.Bool("json", false, "write Zeek JSON instead of TSV")
	seed := fs.Uint64("seed", 1, "random seed")
	_ = fs.Parse(args)
	limit, err := parseSize(*size)
	if err != nil {
		return fmt.Errorf("bad -size: %w", err)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(*seed, 7))
	var written int64
	if !*asJSON {
		n, _ := w.WriteString(connHeader)
		written += int64(n)
	}
	ts := int64(1763596800_000000) // 2025-11-20 in microseconds
	var line []byte
	for written < limit {
		ts += int64(r.IntN(2000))
		s := services[r.IntN(len(services))]
		src := fmt.Sprintf("10.%d.%d.%d", r.IntN(4), r.IntN(256), 1+r.IntN(254))
		dst := fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		state := states[r.IntN(len(states))]
		ob, rb := r.IntN(5000), r.IntN(200000)
		dur := fmt.Sprintf("%d.%06d", r.IntN(30), r.IntN(1000000))
		tsStr := fmt.Sprintf("%d.%06d", ts/1e6, ts%1e6)
		if *asJSON {
			line = fmt.Appendf(line[:0], `{"ts":%s,"uid":"%s","id.orig_h":"%s","id.orig_p":%d,"id.resp_h":"%s","id.resp_p":%d,"proto":"%s",`,
				tsStr, uid(r), src, 1024+r.IntN(64000), dst, s.port, s.proto)
			if s.svc != "-" {
				line = fmt.Appendf(line, `"service":"%s",`, s.svc)
			}
			line = fmt.Appendf(line, `"duration":%s,"orig_bytes":%d,"resp_bytes":%d,"conn_state":"%s","local_orig":true,"local_resp":false,"missed_bytes":0,"history":"ShADadFf","orig_pkts":%d,"orig_ip_bytes":%d,"resp_pkts":%d,"resp_ip_bytes":%d}`+"\n",
				dur, ob, rb, state, 1+ob/1000, ob+40, 1+rb/1400, rb+40)
		} else {
			line = fmt.Appendf(line[:0], "%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%d\t%d\t%s\tT\tF\t0\tShADadFf\t%d\t%d\t%d\t%d\t-\n",
				tsStr, uid(r), src, 1024+r.IntN(64000), dst, s.port, s.proto, s.svc, dur, ob, rb, state, 1+ob/1000, ob+40, 1+rb/1400, rb+40)
		}
		n, err := w.Write(line)
		if err != nil {
			return err
		}
		written += int64(n)
	}
	if !*asJSON {
		_, _ = w.WriteString("#close\t2026-11-21-00-00-00\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// sampleCmd writes the small sample investigation that the README runs: a
// day of ordinary traffic from twenty workstations, in which 10.20.1.37
// beacons every 60 s (±20%) over HTTPS to 203.0.113.66 after resolving
// update-check.example-cdn.net, and sends it 48 MB one evening.
func sampleCmd(args []string) error {
	fs := flag.NewFlagSet("sample", flag.ExitOnError)
	out := fs.String("out", "testdata/sample/zeek", "output directory")
	_ = fs.Parse(args)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(42, 42))
	type rec struct {
		ts   int64 // microseconds
		conn string
		dns  string
		ssl  string
		http string
	}
	var recs []rec
	start := int64(1763600400) * 1e6 // 2025-11-20T01:00:00Z (10:00 JST)
	day := int64(10 * 3600 * 1e6)
	popular := []struct{ name, ip string }{
		{"www.example.com", "93.184.215.14"}, {"mail.example.org", "198.51.100.25"}, {"intranet.corp.example", "10.20.0.10"},
		{"cdn.example.net", "192.0.2.80"}, {"news.example.jp", "198.51.100.77"}, {"update.microsoft.com", "192.0.2.200"},
	}
	hosts := make([]string, 20)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("10.20.1.%d", 20+i)
	}
	hosts[17] = "10.20.1.37"
	mk := func(ts int64, src string, sport int, dst string, dport int, proto, svc string, dur float64, ob, rb int, state string) (string, string) {
		u := uid(r)
		svcField := svc
		if svc == "" {
			svcField = "-"
		}
		return u, fmt.Sprintf("%d.%06d\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%.6f\t%d\t%d\t%s\tT\tF\t0\tShADadFf\t%d\t%d\t%d\t%d\t-",
			ts/1e6, ts%1e6, u, src, sport, dst, dport, proto, svcField, dur, ob, rb, state, 1+ob/1000, ob+40, 1+rb/1400, rb+40)
	}
	dnsLine := func(ts int64, u, src, q, ans string) string {
		return fmt.Sprintf("%d.%06d\t%s\t%s\t%d\t10.20.0.53\t53\tudp\t%d\t0.001\t%s\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t%s\t300.000000\tF",
			ts/1e6, ts%1e6, u, src, 1024+r.IntN(60000), r.IntN(65535), q, ans)
	}
	// Ordinary browsing.
	for range 1500 {
		ts := start + r.Int64N(day)
		h := hosts[r.IntN(len(hosts))]
		if h == "10.20.1.37" && r.IntN(2) == 0 {
			continue
		}
		site := popular[r.IntN(len(popular))]
		sport := 49152 + r.IntN(16000)
		u, c := mk(ts, h, sport, site.ip, 443, "tcp", "ssl", 0.2+r.Float64()*5, 500+r.IntN(2000), 2000+r.IntN(300000), "SF")
		recs = append(recs, rec{ts: ts, conn: c})
		du, dc := mk(ts-2000, h, 1024+r.IntN(60000), "10.20.0.53", 53, "udp", "dns", 0.001, 40, 56, "SF")
		recs = append(recs, rec{ts: ts - 2000, conn: dc, dns: dnsLine(ts-2000, du, h, site.name, site.ip)})
		recs = append(recs, rec{ts: ts + 1000, ssl: fmt.Sprintf("%d.%06d\t%s\t%s\t%d\t%s\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t%s\tF\t-\th2\tT\tCN=%s\tCN=Example CA",
			(ts+1000)/1e6, (ts+1000)%1e6, u, h, sport, site.ip, site.name, site.name)})
	}
	// The implant: resolve, then beacon every 60 s ± 20%, then one large upload.
	c2, c2ip, victim := "update-check.example-cdn.net", "203.0.113.66", "10.20.1.37"
	ts := start + 3*3600*1e6
	lookup := ts - 60e6 // a minute before the dropper's download below
	du, dc := mk(lookup, victim, 53001, "10.20.0.53", 53, "udp", "dns", 0.001, 44, 60, "SF")
	recs = append(recs, rec{ts: lookup, conn: dc, dns: dnsLine(lookup, du, victim, c2, c2ip)})
	for ts < start+day-600e6 {
		ts += int64((48 + r.Float64()*24) * 1e6)
		sport := 49152 + r.IntN(16000)
		u, c := mk(ts, victim, sport, c2ip, 443, "tcp", "ssl", 0.3+r.Float64()*0.2, 310+r.IntN(40), 620+r.IntN(80), "SF")
		recs = append(recs, rec{ts: ts, conn: c})
		recs = append(recs, rec{ts: ts + 500, ssl: fmt.Sprintf("%d.%06d\t%s\t%s\t%d\t%s\t443\tTLSv12\tTLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\tsecp256r1\t%s\tF\t-\t-\tT\tCN=%s\tCN=%s",
			(ts+500)/1e6, (ts+500)%1e6, u, victim, sport, c2ip, c2, c2, c2)})
	}
	ts = start + 9*3600*1e6
	_, c := mk(ts, victim, 50555, c2ip, 443, "tcp", "ssl", 1803.5, 48*1<<20, 9120, "SF")
	recs = append(recs, rec{ts: ts, conn: c})
	// A plain-HTTP download by the implant's dropper earlier that morning.
	ts = start + 3*3600*1e6 - 30e6
	u, c := mk(ts, victim, 50001, c2ip, 80, "tcp", "http", 0.9, 240, 184320, "SF")
	recs = append(recs, rec{ts: ts, conn: c, http: fmt.Sprintf("%d.%06d\t%s\t%s\t50001\t%s\t80\t1\tGET\t%s\t/dl/invoice_2025-11.bin\t-\t1.1\tMozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)\t0\t184320\t200\tOK\tapplication/octet-stream",
		ts/1e6, ts%1e6, u, victim, c2ip, c2)})

	// Sort by time and write each log with its header.
	slices.SortStableFunc(recs, func(a, b rec) int { return cmp.Compare(a.ts, b.ts) })
	type logf struct {
		name, header string
		pick         func(rec) string
	}
	logs := []logf{
		{"conn.log", connHeader, func(x rec) string { return x.conn }},
		{"dns.log", "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2025-11-20-01-00-00\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n", func(x rec) string { return x.dns }},
		{"ssl.log", "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tssl\n#open\t2025-11-20-01-00-00\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\tnext_protocol\testablished\tsubject\tissuer\n#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\tstring\n", func(x rec) string { return x.ssl }},
		{"http.log", "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\thttp\n#open\t2025-11-20-01-00-00\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\tversion\tuser_agent\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\tresp_mime_types\n#types\ttime\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\tcount\tcount\tcount\tstring\tvector[string]\n", func(x rec) string { return x.http }},
	}
	for _, l := range logs {
		var b strings.Builder
		b.WriteString(l.header)
		for _, x := range recs {
			if s := l.pick(x); s != "" {
				b.WriteString(s)
				b.WriteByte('\n')
			}
		}
		b.WriteString("#close\t2025-11-20-11-00-00\n")
		if err := os.WriteFile(filepath.Join(*out, l.name), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
