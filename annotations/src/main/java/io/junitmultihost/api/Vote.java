package io.junitmultihost.api;

/** A participant's vote at a syncpoint (TETware TET_SV_YES / TET_SV_NO). */
public enum Vote {
    /** All is well; the sync succeeds for this caller only if everyone voted YES. */
    YES,
    /** Something is wrong; the caller still meets the others, and other NO votes are not an error for it. */
    NO
}
