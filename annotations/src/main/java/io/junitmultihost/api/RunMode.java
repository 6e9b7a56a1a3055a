package io.junitmultihost.api;

/** When an init or close task of a remote JVM runs (Hydra's INITTASK and CLOSETASK {@code runMode}). */
public enum RunMode {
    /** Init: at the first start only; close: at the end of the test class only. The default. */
    ONCE,
    /** Init: at the first start and every dynamic start; close: at every stop that lets it run, and at the end. */
    ALWAYS,
    /** Init: at dynamic starts only; close: at dynamic EXIT and DISCONNECT stops only. */
    DYNAMIC
}
