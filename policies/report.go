package policies

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/floe-dev/floe/internal/secretshape"
)

// redact masks key material in text a finding carries: rule messages may quote values
// of the objects they judge.
func redact(s string) string { return secretshape.Redact(s) }

// The writers of a Report, one per output format of floe check (D-GATE-05); the
// command's formats are internal/output's Check.

// WriteText writes one line per finding: `file:line: SEVERITY rule resource: message`,
// with " (excepted: reason)" after findings a contract exception covers.
func WriteText(w io.Writer, r Report) error {
	var b bytes.Buffer
	for _, f := range r.Findings {
		b.WriteString(f.File)
		if f.Line > 0 {
			fmt.Fprintf(&b, ":%d", f.Line)
		}
		fmt.Fprintf(&b, ": %s %s %s: %s", strings.ToUpper(f.Severity), f.Rule, redact(f.Resource), redact(f.Message))
		if f.Excepted {
			fmt.Fprintf(&b, " (excepted: %s)", redact(f.ExceptionReason))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

type jsonFinding struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	Resource  string `json:"resource"`
	Namespace string `json:"namespace"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Message   string `json:"message"`
	Excepted  bool   `json:"excepted"`
}

type jsonSummary struct {
	Deny     int `json:"deny"`
	Warn     int `json:"warn"`
	Excepted int `json:"excepted"`
}

type jsonReport struct {
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

// WriteJSON writes the report in the shape of D-GATE-05:
// {"findings": [{rule, severity, resource, namespace, file, line, message, excepted}],
// "summary": {deny, warn, excepted}}.
func WriteJSON(w io.Writer, r Report) error {
	out := jsonReport{Findings: []jsonFinding{}, Summary: jsonSummary{r.Deny, r.Warn, r.Excepted}}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, jsonFinding{f.Rule, f.Severity, redact(f.Resource), f.Namespace, f.File, f.Line, redact(f.Message), f.Excepted})
	}
	return encode(w, out)
}

func encode(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// SARIF 2.1.0 (OASIS), the subset floe fills in.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string        `json:"id"`
		ShortDescription     sarifText     `json:"shortDescription"`
		Help                 sarifText     `json:"help"`
		DefaultConfiguration sarifConfig   `json:"defaultConfiguration"`
		Properties           sarifRuleProp `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProp struct {
		Package string `json:"package"`
	}
	sarifResult struct {
		RuleID       string             `json:"ruleId"`
		RuleIndex    int                `json:"ruleIndex"`
		Level        string             `json:"level"`
		Message      sarifText          `json:"message"`
		Locations    []sarifLocation    `json:"locations,omitempty"`
		Suppressions []sarifSuppression `json:"suppressions,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	// sarifSuppression carries no status: absent means accepted, and the property is
	// "state" in the 2.1.0 committee specification but "status" since its errata.
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	}
)

func sarifLevel(severity string) string {
	if severity == Deny {
		return "error"
	}
	return "warning"
}

// WriteSARIF writes the report as a SARIF 2.1.0 log: one rules[] entry per policy
// rule, one result per finding located at its file and line; excepted findings carry
// an external suppression with the exception's reason.
func WriteSARIF(w io.Writer, r Report) error {
	driver := sarifDriver{Name: "floe", InformationURI: "https://github.com/floe-dev/floe", Rules: []sarifRule{}}
	index := map[string]int{}
	for _, rule := range r.Rules {
		index[rule.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rule.ID,
			ShortDescription:     sarifText{rule.Title},
			Help:                 sarifText{rule.Remediation},
			DefaultConfiguration: sarifConfig{sarifLevel(rule.Severity)},
			Properties:           sarifRuleProp{rule.Package},
		})
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, f := range r.Findings {
		i, ok := index[f.Rule]
		if !ok {
			return fmt.Errorf("sarif: finding of rule %s, which the report does not list", f.Rule)
		}
		res := sarifResult{
			RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity),
			Message: sarifText{redact(f.Resource + ": " + f.Message)},
		}
		loc := sarifLocation{}
		if f.File != "" {
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{fileURI(f.File)}}
			if f.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{f.Line}
			}
		}
		if kind, name, ok := strings.Cut(f.Resource, "/"); ok {
			fq := f.Resource
			if f.Namespace != "" {
				fq = f.Namespace + "/" + f.Resource
			}
			loc.LogicalLocations = []sarifLogical{{Name: name, FullyQualifiedName: fq, Kind: strings.ToLower(kind)}}
		}
		if loc.PhysicalLocation != nil || loc.LogicalLocations != nil {
			res.Locations = []sarifLocation{loc}
		}
		if f.Excepted {
			res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.ExceptionReason}}
		}
		run.Results = append(run.Results, res)
	}
	return encode(w, sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

// fileURI turns a file name into a SARIF artifact URI: a relative reference for
// relative paths, file:// for absolute ones.
func fileURI(name string) string {
	p := filepath.ToSlash(name)
	if filepath.IsAbs(name) {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	return (&url.URL{Path: p}).String()
}
