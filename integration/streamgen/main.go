// streamgen writes tar streams to stdout the way Tilt and Skaffold make them
// (Go's archive/tar, the same header fields), plus hand-written streams from a
// JSON spec for hostile cases. Tests compare our sync helper with GNU tar on them.
//
//	streamgen tilt     -src DIR -dest /app [paths...]   relative names, dir and symlink entries, uid/gid 0
//	streamgen skaffold -src DIR -dest /app [paths...]   absolute names, files only, absolute symlinks skipped
//	streamgen spec     FILE|-                           entries exactly as described (see specEntry)
package main

import (
	"archive/tar"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "tilt", "skaffold":
		err = runTool(os.Args[1], os.Args[2:])
	case "spec":
		if len(os.Args) != 3 {
			usage()
		}
		err = runSpec(os.Args[2])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "streamgen: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: streamgen tilt|skaffold -src DIR -dest PREFIX [paths...] | streamgen spec FILE|-")
	os.Exit(2)
}

func runTool(tool string, args []string) error {
	flags := flag.NewFlagSet(tool, flag.ExitOnError)
	src := flags.String("src", ".", "local directory the paths are relative to")
	dest := flags.String("dest", "/", "container directory the paths are synced to")
	_ = flags.Parse(args)
	paths := flags.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	tw := tar.NewWriter(os.Stdout)
	var err error
	if tool == "tilt" {
		err = writeTilt(tw, *src, *dest, paths)
	} else {
		err = writeSkaffold(tw, *src, *dest, paths)
	}
	if err != nil {
		return err
	}
	return tw.Close()
}

type entry struct {
	local  string
	info   fs.FileInfo
	header *tar.Header
}

// writeTilt follows tilt internal/build/tar.go: walk each mapping, name =
// path.Clean(dest without leading "/" + relative path), uid/gid cleared (names
// stay the host's), last entry for a name wins.
func writeTilt(tw *tar.Writer, src, dest string, paths []string) error {
	var entries []entry
	for _, p := range paths {
		local := filepath.Join(src, p)
		container := strings.TrimPrefix(path.Join(dest, filepath.ToSlash(p)), "/")
		err := filepath.Walk(local, func(cur string, info fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			link := ""
			if info.Mode()&fs.ModeSymlink != 0 {
				if link, err = os.Readlink(cur); err != nil {
					return err
				}
			}
			h, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return nil // sockets and the like: Tilt skips them
			}
			h.Uid, h.Gid = 0, 0
			rel, err := filepath.Rel(local, cur)
			if err != nil {
				return err
			}
			h.Name = path.Clean(path.Join(container, filepath.ToSlash(rel)))
			entries = append(entries, entry{cur, info, h})
			return nil
		})
		if err != nil {
			return err
		}
	}
	last := map[string]int{}
	for i, e := range entries {
		last[e.header.Name] = i
	}
	for i, e := range entries {
		if last[e.header.Name] == i {
			if err := writeEntry(tw, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeSkaffold follows skaffold pkg/skaffold/util/tar.go: one entry per file
// (directories are walked, never written), absolute destination names, host
// uid/gid, absolute symlinks skipped with a warning.
func writeSkaffold(tw *tar.Writer, src, dest string, paths []string) error {
	for _, p := range paths {
		err := filepath.Walk(filepath.Join(src, p), func(cur string, info fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if info.IsDir() || info.Mode()&fs.ModeSocket != 0 {
				return nil
			}
			link := ""
			if info.Mode()&fs.ModeSymlink != 0 {
				if link, err = os.Readlink(cur); err != nil {
					return err
				}
				if filepath.IsAbs(link) {
					fmt.Fprintf(os.Stderr, "Skipping %s. Only relative symlinks are supported.\n", cur)
					return nil
				}
			}
			h, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(src, cur)
			if err != nil {
				return err
			}
			h.Name = path.Join(dest, filepath.ToSlash(rel))
			return writeEntry(tw, entry{cur, info, h})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(tw *tar.Writer, e entry) error {
	if err := tw.WriteHeader(e.header); err != nil {
		return fmt.Errorf("%s: %w", e.local, err)
	}
	if e.header.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(e.local)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(tw, f, e.info.Size())
	return err
}

// specEntry describes one header; unset fields get harmless defaults.
type specEntry struct {
	Name     string `json:"name"`
	Type     string `json:"type"` // file, dir, symlink, hardlink, char, block, fifo, or a single typeflag character
	Mode     *int64 `json:"mode"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	Uname    string `json:"uname"`
	Gname    string `json:"gname"`
	Mtime    int64  `json:"mtime"`
	Content  string `json:"content"`
	Size     int64  `json:"size"` // with no content: this many bytes of a repeating pattern
	Linkname string `json:"linkname"`
	Devmajor int64  `json:"devmajor"`
	Devminor int64  `json:"devminor"`
	Format   string `json:"format"` // ustar, pax, gnu; empty lets archive/tar choose, as Tilt and Skaffold do
}

type spec struct {
	Entries []specEntry `json:"entries"`
	// NoTrailer leaves out the two end-of-archive blocks (archive/tar's Flush instead of Close).
	NoTrailer bool `json:"noTrailer"`
}

var typeflags = map[string]byte{
	"file": tar.TypeReg, "dir": tar.TypeDir, "symlink": tar.TypeSymlink, "hardlink": tar.TypeLink,
	"char": tar.TypeChar, "block": tar.TypeBlock, "fifo": tar.TypeFifo,
}

var formats = map[string]tar.Format{"": tar.FormatUnknown, "ustar": tar.FormatUSTAR, "pax": tar.FormatPAX, "gnu": tar.FormatGNU}

func runSpec(file string) error {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	var s spec
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	tw := tar.NewWriter(os.Stdout)
	for i, e := range s.Entries {
		if err := writeSpecEntry(tw, e); err != nil {
			return fmt.Errorf("entry %d (%q): %w", i, e.Name, err)
		}
	}
	if s.NoTrailer {
		return tw.Flush()
	}
	return tw.Close()
}

func writeSpecEntry(tw *tar.Writer, e specEntry) error {
	flag, ok := typeflags[e.Type]
	if !ok {
		if len(e.Type) != 1 {
			return fmt.Errorf("unknown type %q", e.Type)
		}
		flag = e.Type[0]
	}
	format, ok := formats[e.Format]
	if !ok {
		return fmt.Errorf("unknown format %q", e.Format)
	}
	mode := int64(0o644)
	if flag == tar.TypeDir {
		mode = 0o755
	}
	if e.Mode != nil {
		mode = *e.Mode
	}
	body := []byte(e.Content)
	if e.Content == "" && e.Size > 0 {
		body = make([]byte, e.Size)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
	}
	h := &tar.Header{
		Name: e.Name, Typeflag: flag, Mode: mode, Uid: e.UID, Gid: e.GID, Uname: e.Uname, Gname: e.Gname,
		ModTime: time.Unix(e.Mtime, 0), Linkname: e.Linkname, Devmajor: e.Devmajor, Devminor: e.Devminor, Format: format,
	}
	if flag == tar.TypeReg || flag == tar.TypeCont {
		h.Size = int64(len(body))
	} else {
		body = nil
	}
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	_, err := tw.Write(body)
	return err
}
