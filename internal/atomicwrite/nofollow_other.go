//go:build !unix

package atomicwrite

// oNoFollow is nothing where the flag does not exist (O_EXCL still refuses a link).
const oNoFollow = 0
