package main

import (
	"errors"
	"runtime"
	"syscall"
	"unsafe"
)

// prctl(2) and capability(7) constants the syscall package lacks.
const (
	prCapbsetDrop        = 24
	prSetSecurebits      = 28
	prSetNoNewPrivs      = 38
	prCapAmbient         = 47
	prCapAmbientClearAll = 4

	// SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP, SECBIT_KEEP_CAPS_LOCKED and
	// the locks of the first two: uid 0 gains no capabilities by exec.
	securebits = 1<<0 | 1<<1 | 1<<2 | 1<<3 | 1<<5

	linuxCapabilityVersion3 = 0x20080522
)

// dropPrivileges leaves the program, although uid 0 in the sandbox's user
// namespace, without any capability and unable to gain one: securebits
// NOROOT (locked), an empty bounding set, no ambient, inheritable,
// permitted or effective capabilities, and no_new_privs. Each is set on
// every thread of this process (capabilities are per thread).
func dropPrivileges() (string, error) {
	if err := prctl(prSetSecurebits, securebits, 0); err != nil {
		return "set securebits", err
	}
	for c := uintptr(0); ; c++ {
		err := prctl(prCapbsetDrop, c, 0)
		if errors.Is(err, syscall.EINVAL) {
			break // past the last capability this kernel knows
		}
		if err != nil {
			return "drop the capability bounding set", err
		}
	}
	if err := prctl(prCapAmbient, prCapAmbientClearAll, 0); err != nil {
		return "clear ambient capabilities", err
	}
	hdr := struct {
		version uint32
		pid     int32
	}{linuxCapabilityVersion3, 0}
	var data [2]struct{ effective, permitted, inheritable uint32 }
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data)), 0); e != 0 {
		return "clear capabilities", e
	}
	runtime.KeepAlive(&hdr)
	runtime.KeepAlive(&data)
	if err := prctl(prSetNoNewPrivs, 1, 0); err != nil {
		return "set no_new_privs", err
	}
	return "", nil
}

func prctl(option, arg2, arg3 uintptr) error {
	if _, _, e := syscall.AllThreadsSyscall(syscall.SYS_PRCTL, option, arg2, arg3); e != 0 {
		return e
	}
	return nil
}
