/**
 * Faults on and between a class's hosts ({@link io.junitmultihost.api.Faults}): the scripts that
 * impose them on a host with an end the host keeps itself, their owner-bound handles, and the run's
 * registry of active faults that failure messages name. Internal.
 */
package io.junitmultihost.engine.internal.faults;
