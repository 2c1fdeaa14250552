package review

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/floe-dev/floe/config"
	"github.com/floe-dev/floe/diag"
	"github.com/floe-dev/floe/diff"
	_ "github.com/floe-dev/floe/golden" // the -update flag
	"github.com/floe-dev/floe/render"
)

const testTag = "0123456789abcdef0123456789abcdef01234567"

// domainGate is a policy gate keyed on the product's domain label: "finance" warns
// (TEST-01), "blocked" denies (TEST-02); anything else passes.
type domainGate struct{}

func (domainGate) Check(_ context.Context, in render.GateInput) (*render.PolicyReport, error) {
	rep := &render.PolicyReport{Level: "warn", Findings: []render.Finding{}}
	switch in.Product.Metadata.Labels["domain"] {
	case "finance":
		rep.Findings = append(rep.Findings, render.Finding{Rule: "TEST-01", Severity: "warn", Resource: "Deployment/" + in.Product.Metadata.Name, File: "(rendered)", Line: 3, Message: "finance products are watched"})
		rep.Summary.Warn = 1
	case "blocked":
		rep.Findings = append(rep.Findings, render.Finding{Rule: "TEST-02", Severity: "deny", Resource: "Deployment/" + in.Product.Metadata.Name, File: "(rendered)", Line: 3, Message: "blocked"})
		rep.Summary.Deny, rep.Denied, rep.Level = 1, true, "strict"
	}
	return rep, nil
}

// sides are two copies of golden/batch/root (customer-360, hello-orders,
// sales/orders-daily): base, and head changed by edit.
func sides(t *testing.T, edit func(head string)) (config.Root, config.Root) {
	t.Helper()
	src := filepath.Join("..", "golden", "batch", "root")
	base, head := t.TempDir(), t.TempDir()
	for _, d := range []string{base, head} {
		if err := os.CopyFS(d, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
	}
	edit(head)
	b, err := config.OSRoot(base)
	if err != nil {
		t.Fatal(err)
	}
	h, err := config.OSRoot(head)
	if err != nil {
		t.Fatal(err)
	}
	return b, h
}

func replaceIn(t *testing.T, p, old, new string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s lacks %q", p, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, base, head config.Root) (*Result, error) {
	return Run(context.Background(), Options{Base: base, Head: head, BaseName: "base", HeadName: "head", Dir: "products",
		ContractPath: "platform/contract.yaml", ImageTag: testTag, Now: time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC),
		Gate: domainGate{}, ExpiryWindow: 30 * 24 * time.Hour})
}

// TestRunReportsWhatChanged: a product removed, one added, one whose change adds a
// policy finding, one whose change makes the gate deny (still rendered, the denial in
// its verdict), and one untouched (not rendered again).
func TestRunReportsWhatChanged(t *testing.T) {
	base, head := sides(t, func(head string) {
		p := filepath.Join(head, "products")
		if err := os.Rename(filepath.Join(p, "hello-orders"), filepath.Join(p, "hello-orders-v2")); err != nil {
			t.Fatal(err)
		}
		replaceIn(t, filepath.Join(p, "hello-orders-v2", "floe.yaml"), "name: hello-orders", "name: hello-orders-v2")
		replaceIn(t, filepath.Join(p, "customer-360", "floe.yaml"), "domain: retail", "domain: finance")
		replaceIn(t, filepath.Join(p, "sales", "orders-daily", "floe.yaml"), "domain: sales", "domain: blocked")
	})
	res, err := run(t, base, head)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if s := r.Summary; s != (diff.ReportSummary{Products: 4, Differ: 4, Added: 1, Removed: 1, Changed: 2}) {
		t.Errorf("summary %+v", s)
	}
	got := map[string]diff.ProductReport{}
	for _, p := range r.Products {
		got[p.Path] = p
	}
	if p := got["products/hello-orders"]; p.Change != diff.Removed || p.Policy.After != nil || p.Diff.Summary.Removed == 0 || p.Runtime != "dagster" {
		t.Errorf("removed product: %+v", p)
	}
	if p := got["products/hello-orders-v2"]; p.Change != diff.Added || p.Policy.Before != nil || p.Diff.Summary.Added == 0 {
		t.Errorf("added product: %+v", p)
	}
	c := got["products/customer-360"]
	if c.Change != diff.Changed || c.Cause != "products/customer-360/floe.yaml" || len(c.Policy.Added) != 1 || c.Policy.Added[0].Rule != "TEST-01" ||
		len(c.Policy.Removed) != 0 || c.Policy.After.Warn != 1 || c.Policy.Before.Warn != 0 {
		t.Errorf("customer-360: %+v", c)
	}
	if d := got["products/sales/orders-daily"]; !d.Policy.After.Denied || d.Policy.Before.Denied || len(d.Policy.Added) != 1 || d.Diff == nil || !d.Diff.Differs() {
		t.Errorf("orders-daily, denied at the head, should be rendered and compared: %+v", d)
	}
}

// TestRunUnaffected: a change no product reads renders nothing and reports nothing;
// a product failing at the head fails the review with every failure named.
func TestRunUnaffected(t *testing.T) {
	base, head := sides(t, func(head string) {
		if err := os.WriteFile(filepath.Join(head, "products", "README.md"), []byte("docs\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	res, err := run(t, base, head)
	if err != nil {
		t.Fatal(err)
	}
	if s := res.Report.Summary; s != (diff.ReportSummary{Products: 3, Unaffected: 3}) {
		t.Errorf("summary %+v", s)
	}

	base, head = sides(t, func(head string) {
		replaceIn(t, filepath.Join(head, "products", "customer-360", "floe.yaml"), "version: 1.0.0", "version: one")
	})
	_, err = run(t, base, head)
	var be *render.BatchError
	if !errors.As(err, &be) || len(be.Failures) != 1 || be.Failures[0].Path != "products/customer-360" || be.ExitCode() != 2 ||
		!strings.Contains(err.Error(), "diff --all: 1 of 3 product(s) failed") {
		t.Fatalf("want one failure naming customer-360, got %v", err)
	}
	var ds diag.List
	if !errors.As(be.Failures[0].Err, &ds) {
		t.Errorf("the failure is not the located diagnostics: %v", be.Failures[0].Err)
	}

	// The other way round, a change repairing the product is reviewed.
	res, err = run(t, head, base)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Report; len(r.Products) != 1 || r.Products[0].Cause != "(the base does not render)" || r.Products[0].Diff.Summary.Added == 0 || r.Products[0].Policy.Before != nil {
		t.Errorf("repaired product: %+v", r.Products)
	}
}

// TestExpiring: exceptions expiring within the window (inclusive), or already expired,
// are listed soonest first with their owner; later ones are not.
func TestExpiring(t *testing.T) {
	c := &config.Contract{Policy: &config.ContractPolicy{Exceptions: []config.PolicyException{
		{Rule: "A", Expires: "2027-01-19", ApprovedBy: "a@x"}, // 30 days: in
		{Rule: "B", Expires: "2027-01-20", ApprovedBy: "b@x"}, // 31 days: out
		{Rule: "C", Expires: "2026-12-19", ApprovedBy: "c@x"}, // expired yesterday
		{Rule: "D", Expires: "2026-12-20", ApprovedBy: "d@x"}, // today
	}}}
	got := expiring(c, time.Date(2026, 12, 20, 15, 0, 0, 0, time.UTC), 30*24*time.Hour)
	var s []string
	for _, e := range got {
		s = append(s, e.Rule+":"+e.Owner+":"+strconv.Itoa(e.DaysLeft))
	}
	if want := "C:c@x:-1 D:d@x:0 A:a@x:30"; strings.Join(s, " ") != want {
		t.Errorf("got %v, want %s", s, want)
	}
	if expiring(&config.Contract{}, time.Now(), time.Hour) != nil {
		t.Error("a contract without policy has expiring exceptions")
	}
}
