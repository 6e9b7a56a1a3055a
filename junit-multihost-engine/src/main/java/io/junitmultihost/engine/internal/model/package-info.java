/** Internal: reading and checking a test class's annotations (roles, lifecycle and test methods, tags). */
package io.junitmultihost.engine.internal.model;
