package output

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

var testFormats = Formats[string]{Command: "cmd", Flag: "--format", List: []Format[string]{
	{Name: "plain", Write: func(w io.Writer, s string) error { _, err := io.WriteString(w, s); return err }},
	{Name: "loud", Aliases: []string{"l"}, Write: func(w io.Writer, s string) error {
		if s == "" {
			io.WriteString(w, "half")
			return errors.New("nothing to shout")
		}
		_, err := io.WriteString(w, s+"!")
		return err
	}},
}}

// TestNew: a name or an alias chooses its format; results reach the writer only on
// Flush, and a result that fails to render leaves it untouched; any other name is the
// one usage error, exit 2.
func TestNew(t *testing.T) {
	for _, tc := range []struct {
		name, value, want, wantErr string
	}{
		{"plain", "a", "a", ""},
		{"loud", "a", "a!", ""},
		{"l", "a", "a!", ""},
		{"loud", "", "", "nothing to shout"},
		{"yaml", "a", "", `cmd: --format "yaml": want plain or loud`},
		{"", "a", "", `cmd: --format "": want plain or loud`},
	} {
		t.Run(tc.name+"/"+tc.value, func(t *testing.T) {
			var w bytes.Buffer
			out, err := New(&w, testFormats, tc.name)
			if err == nil {
				if err = out.Write(tc.value); err == nil {
					err = out.Flush()
				}
			} else if code := err.(interface{ ExitCode() int }).ExitCode(); code != 2 {
				t.Errorf("exit code %d, want 2", code)
			}
			if got := ""; err != nil {
				got = err.Error()
				if got != tc.wantErr {
					t.Errorf("error %q, want %q", got, tc.wantErr)
				}
			} else if tc.wantErr != "" {
				t.Errorf("no error, want %q", tc.wantErr)
			}
			if w.String() != tc.want {
				t.Errorf("wrote %q, want %q", w.String(), tc.want)
			}
		})
	}
}
