/**
 * Remote JVMs ({@link io.junitmultihost.api.Vms}): the controller side ({@link
 * io.junitmultihost.engine.internal.vm.VmMaster}), the remote side ({@link
 * io.junitmultihost.engine.internal.vm.VmAgent}, the main class the remote JVMs run), and the
 * framed wire between them. Internal.
 */
package io.junitmultihost.engine.internal.vm;
