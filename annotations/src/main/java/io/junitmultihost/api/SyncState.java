package io.junitmultihost.api;

/** One participant's state at a syncpoint, as in TETware's tet_syncerr (TET_SS_*). */
public enum SyncState {
    /** Did not arrive, and is not the reason the syncpoint failed. */
    NOT_SYNCED,
    /** Arrived and voted YES. */
    SYNCED_YES,
    /** Arrived and voted NO. */
    SYNCED_NO,
    /** Did not arrive before the inactivity wait or the deadline ran out. */
    TIMED_OUT,
    /** Its lease lapsed, its connection dropped, the engine declared its host gone, or it left. */
    DEAD
}
