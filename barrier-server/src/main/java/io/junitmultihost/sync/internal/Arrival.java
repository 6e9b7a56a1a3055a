package io.junitmultihost.sync.internal;

import io.junitmultihost.sync.Vote;

/** A participant's arrival at a syncpoint: its vote, and the held request to answer at the release (null once its connection went away). */
final class Arrival {

    final String participant;
    final Vote vote;
    Waiter waiter;

    Arrival(String participant, Vote vote, Waiter waiter) {
        this.participant = participant;
        this.vote = vote;
        this.waiter = waiter;
    }
}
