package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// TODO(issue): placeholder until the owning issue lands.
func newRenderCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:    "render",
		Hidden: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return errors.New("render: not implemented yet")
		},
	}
}
