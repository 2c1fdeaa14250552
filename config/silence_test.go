package config

import (
	"testing"

	"github.com/floe-dev/floe/diag"
)

func TestWarningID(t *testing.T) {
	for msg, want := range map[string]string{
		"X-03: the manifest has no plugins.catalog":        "X-03",
		"SCHED-DAGSTER-UNWIRED: Dagster does not run it":   "SCHED-DAGSTER-UNWIRED",
		"FLOE-E220: description required":                  "FLOE-E220",
		"per-transform compute override is not executable": "",
		"x-03: lower case is no ID":                        "",
		"X03: no dash":                                     "",
		"field: X-03: an ID after a word":                  "",
		"":                                                 "",
	} {
		if got := WarningID(msg); got != want {
			t.Errorf("WarningID(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSilenceWarnings(t *testing.T) {
	ds := diag.List{
		{Severity: diag.Warning, Message: "X-03: silenced"},
		{Severity: diag.Error, Message: "X-03: an error is never silenced"},
		{Severity: diag.Warning, Message: "X-01: another ID"},
		{Severity: diag.Warning, Message: "no ID at all"},
	}
	c := &Contract{Policy: &ContractPolicy{Silence: []string{"X-03"}}}
	got := SilenceWarnings(c, ds)
	if len(got) != 3 || got[0].Message != "X-03: an error is never silenced" || got[1].Message != "X-01: another ID" {
		t.Fatalf("SilenceWarnings = %v", got)
	}
	if len(ds) != 4 || ds[0].Message != "X-03: silenced" {
		t.Fatalf("the input list was modified: %v", ds)
	}
	if got := SilenceWarnings(nil, ds); len(got) != 4 {
		t.Fatalf("a nil contract silenced %v", got)
	}
}
