package suricata

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
)

const benchLines = 50_000

// genEVE writes a mix close to a busy sensor's: flows, DNS, HTTP, TLS and
// some alerts.
func genEVE() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for i := range benchLines {
		ts := fmt.Sprintf("2025-11-20T10:%02d:%02d.%06d+0000", i/60000%60, i/1000%60, r.IntN(1000000))
		src := fmt.Sprintf("10.1.%d.%d", r.IntN(256), r.IntN(256))
		dst := fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(223), r.IntN(256), r.IntN(256), r.IntN(256))
		common := fmt.Sprintf(`{"timestamp":"%s","flow_id":%d,"in_iface":"eth0","event_type":"%%s","src_ip":"%s","src_port":%d,"dest_ip":"%s","dest_port":%%d,"proto":"%%s"`,
			ts, r.Int64N(1<<50), src, 1024+r.IntN(60000), dst)
		switch k := r.IntN(10); {
		case k < 5:
			fmt.Fprintf(&b, common+`,"app_proto":"tls","flow":{"pkts_toserver":%d,"pkts_toclient":%d,"bytes_toserver":%d,"bytes_toclient":%d,"start":"%s","end":"%s","age":3,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","syn":true,"fin":true,"ack":true,"state":"closed"}}`+"\n",
				"flow", 443, "TCP", r.IntN(100), r.IntN(100), r.IntN(100000), r.IntN(1000000), ts, ts)
		case k < 7:
			fmt.Fprintf(&b, common+`,"dns":{"version":2,"type":"answer","id":%d,"flags":"8180","qr":true,"rd":true,"ra":true,"rrname":"host%d.example.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"host%d.example.com","rrtype":"A","ttl":60,"rdata":"%s"}],"grouped":{"A":["%s"]}}}`+"\n",
				"dns", 53, "UDP", r.IntN(65536), i, i, dst, dst)
		case k < 8:
			fmt.Fprintf(&b, common+`,"tx_id":0,"http":{"hostname":"www%d.example.com","url":"/path/%d?q=1","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":%d}}`+"\n",
				"http", 80, "TCP", i, i, r.IntN(100000))
		case k < 9:
			fmt.Fprintf(&b, common+`,"tls":{"subject":"CN=www%d.example.com","issuerdn":"C=US, O=Let's Encrypt, CN=R3","serial":"04:A1","fingerprint":"aa:bb","sni":"www%d.example.com","version":"TLS 1.3","notbefore":"2025-10-01T00:00:00","notafter":"2025-12-30T00:00:00","ja3":{"hash":"72a589da586844d7f0818ce684948eea","string":"771,4865"}}}`+"\n",
				"tls", 443, "TCP", i, i)
		default:
			fmt.Fprintf(&b, common+`,"alert":{"action":"allowed","gid":1,"signature_id":%d,"rev":3,"signature":"ET POLICY Something %d","category":"Potential Corporate Privacy Violation","severity":2},"app_proto":"tls","flow":{"pkts_toserver":5,"pkts_toclient":4,"bytes_toserver":712,"bytes_toclient":2950,"start":"%s"}}`+"\n",
				"alert", 443, "TCP", 2000000+r.IntN(1000), r.IntN(1000), ts)
		}
	}
	return b.Bytes()
}

func BenchmarkEVE(b *testing.B) { decodetest.Bench(b, EVE, genEVE(), benchLines) }
