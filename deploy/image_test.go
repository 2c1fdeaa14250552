package deploy

import (
	"os"
	"strings"
	"testing"
)

// TestMakefileImage: `make image` names the image the install files use.
func TestMakefileImage(t *testing.T) {
	b, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if name, value, ok := strings.Cut(line, "?="); ok && strings.TrimSpace(name) == "IMAGE" {
			if got := strings.TrimSpace(value); got != Image {
				t.Fatalf("Makefile IMAGE = %q, want %q", got, Image)
			}
			return
		}
	}
	t.Fatal("Makefile sets no IMAGE")
}
