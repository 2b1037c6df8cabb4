package zeek

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
)

const benchLines = 100_000

type connRow struct {
	ts                   int64 // µs
	uid, oh, rh          string
	op, rp               int
	proto, service       string
	dur                  int64 // µs, -1 unset
	ob, rb, opk, rpk     int
	state, history       string
	localOrig, localResp bool
}

func connRows() []connRow {
	r := rand.New(rand.NewPCG(1, 2))
	states := []string{"SF", "S0", "REJ", "RSTO", "OTH", "SH"}
	services := []string{"-", "dns", "http", "ssl", "smb,gssapi", "-"}
	protos := []string{"tcp", "tcp", "udp", "tcp", "icmp"}
	rows := make([]connRow, benchLines)
	ts := int64(1709632800_000000)
	const b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	for i := range rows {
		ts += r.Int64N(20000)
		uid := make([]byte, 18)
		uid[0] = 'C'
		for k := 1; k < len(uid); k++ {
			uid[k] = b62[r.IntN(len(b62))]
		}
		row := connRow{
			ts:  ts,
			uid: string(uid),
			oh:  "10.0." + strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(r.IntN(256)),
			rh: strconv.Itoa(1+r.IntN(223)) + "." + strconv.Itoa(r.IntN(256)) + "." +
				strconv.Itoa(r.IntN(256)) + "." + strconv.Itoa(r.IntN(256)),
			op:        1024 + r.IntN(64000),
			rp:        []int{53, 80, 443, 445, 3389, 8080}[r.IntN(6)],
			proto:     protos[r.IntN(len(protos))],
			service:   services[r.IntN(len(services))],
			dur:       -1,
			state:     states[r.IntN(len(states))],
			history:   []string{"ShADadFf", "S", "ShR", "Dd", "ShADadfF"}[r.IntN(5)],
			localOrig: true,
			localResp: r.IntN(4) == 0,
		}
		if r.IntN(5) > 0 {
			row.dur = r.Int64N(100_000_000)
			row.ob, row.rb = r.IntN(100000), r.IntN(10_000_000)
			row.opk, row.rpk = 1+r.IntN(100), r.IntN(10000)
		}
		rows[i] = row
	}
	return rows
}

func secs(us int64) string {
	s := strconv.FormatInt(us/1e6, 10) + "."
	f := strconv.FormatInt(us%1e6, 10)
	for len(f) < 6 {
		f = "0" + f
	}
	return s + f
}

func boolTF(b bool) string {
	if b {
		return "T"
	}
	return "F"
}

func genConnTSV() []byte {
	var b bytes.Buffer
	b.WriteString("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n" +
		"#open\t2024-03-05-10-00-00\n" +
		"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t" +
		"resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t" +
		"resp_pkts\tresp_ip_bytes\ttunnel_parents\n" +
		"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t" +
		"bool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n")
	for _, r := range connRows() {
		b.WriteString(secs(r.ts) + "\t" + r.uid + "\t" + r.oh + "\t" + strconv.Itoa(r.op) + "\t" + r.rh + "\t" +
			strconv.Itoa(r.rp) + "\t" + r.proto + "\t" + r.service + "\t")
		if r.dur < 0 {
			b.WriteString("-\t-\t-\t")
		} else {
			b.WriteString(secs(r.dur) + "\t" + strconv.Itoa(r.ob) + "\t" + strconv.Itoa(r.rb) + "\t")
		}
		b.WriteString(r.state + "\t" + boolTF(r.localOrig) + "\t" + boolTF(r.localResp) + "\t0\t" + r.history + "\t" +
			strconv.Itoa(r.opk) + "\t" + strconv.Itoa(r.opk*40+r.ob) + "\t" + strconv.Itoa(r.rpk) + "\t" +
			strconv.Itoa(r.rpk*40+r.rb) + "\t-\n")
	}
	b.WriteString("#close\t2024-03-05-11-00-00\n")
	return b.Bytes()
}

func genConnJSON() []byte {
	var b bytes.Buffer
	for _, r := range connRows() {
		b.WriteString(`{"ts":` + secs(r.ts) + `,"uid":"` + r.uid + `","id.orig_h":"` + r.oh + `","id.orig_p":` +
			strconv.Itoa(r.op) + `,"id.resp_h":"` + r.rh + `","id.resp_p":` + strconv.Itoa(r.rp) +
			`,"proto":"` + r.proto + `"`)
		if r.service != "-" {
			b.WriteString(`,"service":"` + r.service + `"`)
		}
		if r.dur >= 0 {
			b.WriteString(`,"duration":` + secs(r.dur) + `,"orig_bytes":` + strconv.Itoa(r.ob) +
				`,"resp_bytes":` + strconv.Itoa(r.rb))
		}
		b.WriteString(`,"conn_state":"` + r.state + `","local_orig":` + strconv.FormatBool(r.localOrig) +
			`,"local_resp":` + strconv.FormatBool(r.localResp) + `,"missed_bytes":0,"history":"` + r.history +
			`","orig_pkts":` + strconv.Itoa(r.opk) + `,"orig_ip_bytes":` + strconv.Itoa(r.opk*40+r.ob) +
			`,"resp_pkts":` + strconv.Itoa(r.rpk) + `,"resp_ip_bytes":` + strconv.Itoa(r.rpk*40+r.rb) + "}\n")
	}
	return b.Bytes()
}

func BenchmarkConnTSV(b *testing.B)  { decodetest.Bench(b, TSV, genConnTSV(), benchLines) }
func BenchmarkConnJSON(b *testing.B) { decodetest.Bench(b, JSON, genConnJSON(), benchLines) }
