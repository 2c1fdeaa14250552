//go:build !unix

package config

// openNoFollow is nothing where the flags do not exist; os.Root still confines the open.
const openNoFollow = 0
