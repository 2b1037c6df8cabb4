package ioc

import "strings"

// tlds holds the country-code top-level domains and the generic ones seen
// in real traffic and in abuse reports, space-separated with a leading and a
// trailing space. A name whose last label is not here is not taken for a
// domain when extracting from prose ("e.g.", "config.local", "main.go").
const tlds = ` ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz
 ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj fk fm fo fr
 ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp
 ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt
 mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru
 rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz
 ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
 com net org info biz edu gov mil int arpa name pro mobi asia tel travel jobs museum aero coop cat post xxx
 xyz top club online site website space store tech live life icu buzz cyou shop work click link fun best today
 world news app dev cloud host vip win bid loan men date stream download racing review trade party science
 cricket faith accountant gdn kim ltd monster rest sbs cfd uno lol one bond beauty hair skin quest bar rocks
 services support solutions digital network email group company agency center systems software media global
 zone blog page run tools tokyo osaka nagoya yokohama kyoto okinawa ryukyu moe onion bit fyi pw cx ink wiki
 studio design cafe church city direct express finance financial fund games gold guru holdings land lat london
 marketing money nyc paris plus press pub red sale security social tips top trust tv vegas video wang xin
 zip mov microsoft google apple amazon aws azure windows office bing youtube gmail yahoo
`

// isTLD reports whether a lower-case label is a known top-level domain.
func isTLD(label string) bool {
	if label == "" || strings.IndexByte(label, ' ') >= 0 {
		return false
	}
	if strings.HasPrefix(label, "xn--") {
		return true
	}
	return strings.Contains(tlds, " "+label+" ") || strings.Contains(tlds, " "+label+"\n")
}
