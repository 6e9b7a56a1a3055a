/**
 * The qemu host provider ({@code multihost.provider=qemu}): each host is a Linux virtual machine
 * booted by QEMU from a Debian kernel package, with busybox and OpenSSH's sshd in an initramfs, reached
 * through QEMU's user-mode port forward with a pinned host key. A small boot disk holds the
 * guest's kernels and its boot loader entries, which the provider reads before every boot (the
 * way GRUB's one-time entry works), so kernel switches and the engine's kernel command line magic
 * are real. See docs/QEMU.md.
 *
 * <p>Public: {@link io.junitmultihost.qemu.QemuHostProviderFactory} (found by ServiceLoader, with
 * the configuration keys) and {@link io.junitmultihost.qemu.QemuException}.
 */
package io.junitmultihost.qemu;
