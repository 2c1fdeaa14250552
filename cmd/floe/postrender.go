package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newPostRenderCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "postrender",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("postrender: not implemented yet")
		},
	}
}
