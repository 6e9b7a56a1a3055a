/** Internal: the engine's test descriptors, which are also the nodes that run the tests. */
package io.junitmultihost.engine.internal.descriptor;
