package overlay

import (
	"context"
	"fmt"

	"github.com/floe-dev/floe/config"
)

// ReadInputs reads through root every file the overlays in dirs read when they are
// applied — each kustomization and what it references, within the same bounds — without
// building anything. What an overlay reads does not depend on the objects it is applied
// to, so this is its read set for any product (floe diff --all records it).
func ReadInputs(ctx context.Context, root config.Root, dirs []string) error {
	for _, dir := range dirs {
		rel, err := rootPath(".", dir)
		if err != nil {
			return fmt.Errorf("overlay %s: %w", dir, err)
		}
		b := newBuilder(ctx, root, resourceFactory)
		isDir, err := b.stat(rel)
		if err != nil {
			return fmt.Errorf("overlay %s: %w", dir, err)
		}
		if !isDir {
			return fmt.Errorf("overlay %s: %s: not a directory", dir, rel)
		}
		if err := b.kustomization(rel, 0, true); err != nil {
			return fmt.Errorf("overlay %s: %w", dir, err)
		}
	}
	return nil
}
