// Command sweepcount reads the JSON output of "firebreak sweep --json" and
// prints the number of indicators found, the events they were found in and
// the hosts, for bench/sweep.sh.
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	var res struct {
		Indicators []struct {
			Events int64 `json:"events"`
		} `json:"indicators"`
		Hosts []json.RawMessage `json:"hosts"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&res); err != nil {
		fmt.Fprintln(os.Stderr, "sweepcount:", err)
		os.Exit(1)
	}
	var events int64
	for _, in := range res.Indicators {
		events += in.Events
	}
	fmt.Println(len(res.Indicators), events, len(res.Hosts))
}
