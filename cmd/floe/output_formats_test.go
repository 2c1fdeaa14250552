package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/floe-dev/floe/golden"
	"github.com/floe-dev/floe/internal/output"
)

// formatNames are the names a command's format table answers to: each format's name,
// then its aliases, and which format each one is.
func formatNames[T any](fs output.Formats[T]) (names, formats []string) {
	for _, f := range fs.List {
		names, formats = append(names, f.Name), append(formats, f.Name)
		for _, a := range f.Aliases {
			names, formats = append(names, a), append(formats, f.Name)
		}
	}
	return names, formats
}

// TestEveryCommandFormat runs every command in every format its table in internal/output
// declares (D-CLI-06), aliases included: each exits as the command does, prints
// something, JSON-shaped formats print JSON, an alias prints what its format prints and
// two formats never print the same. An unknown format is refused by the table: exit 2,
// nothing on stdout, one message shape naming the command, flag and formats.
func TestEveryCommandFormat(t *testing.T) {
	noTerminal(t, false)
	t.Setenv("SOURCE_DATE_EPOCH", monorepoEpoch)
	checkDir := filepath.Join(golden.Dir(t), "check", "bad")
	batch := filepath.Join("..", "..", "golden", "batch", "root")
	demo := demoRoot(t)
	repo := monorepo(t, 2)
	from, to := diffTestdata(t, "from.yaml"), diffTestdata(t, "to.yaml")
	type command struct {
		name, flag     string
		args           []string // without the format flag
		code           int
		names, formats []string
		want           string // the refusal's "want …"
	}
	withFormats := func(c command, names, formats []string, want string) command {
		c.names, c.formats, c.want = names, formats, want
		return c
	}
	var commands []command
	{
		n, f := formatNames(output.Check)
		commands = append(commands, withFormats(command{name: "check", flag: "--output", code: 1,
			args: []string{"check", "--root", checkDir, "--contract", filepath.Join(checkDir, "contract.yaml"), filepath.Join(checkDir, "input.yaml")}},
			n, f, output.Check.Names()))
	}
	{
		n, f := formatNames(output.Diff(false))
		commands = append(commands, withFormats(command{name: "diff", flag: "--format", code: 0,
			args: []string{"diff", "--from", from, "--to", to}}, n, f, output.Diff(false).Names()))
	}
	{
		n, f := formatNames(output.DiffAll(false, 0))
		commands = append(commands, withFormats(command{name: "diff --all", flag: "--format", code: 0,
			args: []string{"diff", "--all", filepath.Join(repo, "products"), "--root", repo, "--contract", "platform/contract.yaml", "--base", "HEAD", "--image-tag", diffTag}},
			n, f, output.DiffAll(false, 0).Names()))
	}
	{
		n, f := formatNames(output.Render)
		commands = append(commands, withFormats(command{name: "render", flag: "--format", code: 0,
			args: []string{"render", "--root", batch, "--contract", "platform/contract.yaml", "--image-tag", renderTag, filepath.Join(batch, "products", "customer-360")}},
			n, f, output.Render.Names()))
	}
	{
		n, f := formatNames(output.Validate)
		commands = append(commands, withFormats(command{name: "validate", flag: "--output", code: 0,
			args: []string{"validate", "--root", demo, "--contract", filepath.Join(demo, "platform", "pec-dev.yaml"), filepath.Join(demo, "demo", "customer-360")}},
			n, f, output.Validate.Names()))
	}
	{
		n, f := formatNames(output.Workspace("", ""))
		commands = append(commands, withFormats(command{name: "workspace", flag: "--format", code: 0,
			args: []string{"workspace", "--root", batch, "--contract", "platform/contract.yaml", "--image-tag", renderTag, "--all", filepath.Join(batch, "products")}},
			n, f, output.Workspace("", "").Names()))
	}
	for _, c := range commands {
		printed := map[string]string{} // format → stdout
		for i, name := range c.names {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				code, out, stderr := runFloe(append(c.args, c.flag, name)...)
				if code != c.code || out == "" {
					t.Fatalf("exit %d, stdout %d bytes; want %d and output\nstderr: %s", code, len(out), c.code, stderr)
				}
				if (c.formats[i] == "json" || c.formats[i] == "sarif") && !json.Valid([]byte(out)) {
					t.Errorf("%s output is not JSON:\n%s", name, out)
				}
				if before, seen := printed[c.formats[i]]; seen && before != out {
					t.Errorf("%s prints other than %s", name, c.formats[i])
				}
				for other, before := range printed {
					if other != c.formats[i] && before == out {
						t.Errorf("%s prints what %s prints", name, other)
					}
				}
				printed[c.formats[i]] = out
			})
		}
		t.Run(c.name+"/unknown", func(t *testing.T) {
			code, out, stderr := runFloe(append(c.args, c.flag, "xml")...)
			want := fmt.Sprintf("floe: %s: %s \"xml\": want %s\n", c.name, c.flag, c.want)
			if code != 2 || out != "" || stderr != want {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing and %q", code, out, stderr, want)
			}
		})
	}
}
