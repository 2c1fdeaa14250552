// Package review is `floe diff --all`: which products of a monorepo a change touches, and
// what it does to each.
//
// Both sides are config.Roots (a commit read with gitroot, or the work tree). The
// products are found under one directory on either side (render.FindProducts). A
// product on both sides whose read set (render.ProductReadSet, probed on the base)
// gets the same answers from the head is not rendered again: its render cannot change
// (D-DIFF-05). Every other product is rendered on both sides, in parallel, by one
// Engine whose gate records each side's verdict instead of failing the render, and the
// two renders are compared (diff.Compare). A product whose inputs changed but whose
// render and verdict did not is counted, not reported.
package review
