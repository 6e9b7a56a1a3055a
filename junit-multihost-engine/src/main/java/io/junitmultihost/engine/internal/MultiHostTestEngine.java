package io.junitmultihost.engine.internal;

import io.junitmultihost.engine.internal.descriptor.ClassesInParallel;
import io.junitmultihost.engine.internal.descriptor.MultiHostEngineDescriptor;
import io.junitmultihost.engine.internal.descriptor.MultiHostExecutionContext;
import io.junitmultihost.engine.internal.discovery.DiscoverySelectorResolver;
import io.junitmultihost.engine.internal.hosts.ConfigurationKeys;
import io.junitmultihost.engine.internal.hosts.EngineVersion;
import java.util.Optional;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.hierarchical.HierarchicalTestEngine;
import org.junit.platform.engine.support.hierarchical.HierarchicalTestExecutorService;

/**
 * The junit-multihost test engine (id {@value #ENGINE_ID}): runs the {@code @MultiHostTest}
 * methods of classes that declare hosts with {@code @Hosts}/{@code @Role} and are not annotated
 * {@code @MultiHost} (those are Jupiter classes, served by
 * {@link io.junitmultihost.jupiter.MultiHostExtension}). Registered through
 * {@code META-INF/services/org.junit.platform.engine.TestEngine}, so Surefire, Gradle, the
 * console launcher and IDEs find it next to Jupiter; no test runs on both engines.
 *
 * <p>Each test class gets one instance for all its tests, and its hosts are leased from the
 * launcher session's host pool for the time the class runs. Configuration: see
 * {@link io.junitmultihost.engine.Constants}. Internal: users never name it (it lives here, not
 * next to {@code Constants}, so that the engine's packages form no cycle).
 */
public final class MultiHostTestEngine extends HierarchicalTestEngine<MultiHostExecutionContext> {

    /**
     * The engine's id, the first segment of every unique ID it makes: {@value}. Not
     * {@code junit-multihost}: the JUnit Platform reserves the {@code junit-} prefix for its own
     * engines and warns at every launch about third-party engines that use it.
     */
    public static final String ENGINE_ID = "multihost";

    @Override
    public String getId() {
        return ENGINE_ID;
    }

    @Override
    public Optional<String> getGroupId() {
        return Optional.of("io.junitmultihost");
    }

    @Override
    public Optional<String> getArtifactId() {
        return Optional.of("junit-multihost-engine");
    }

    /** The engine jar's {@code Implementation-Version}, as build tools and IDEs show it. */
    @Override
    public Optional<String> getVersion() {
        return Optional.of(EngineVersion.get());
    }

    /** @throws io.junitmultihost.api.ConfigurationException first, when the JUnit Platform is older than the engine needs */
    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        PlatformCheck.require();
        ConfigurationKeys.remember(request.getConfigurationParameters().keySet());
        MultiHostEngineDescriptor engine = new MultiHostEngineDescriptor(uniqueId, "junit-multihost");
        new DiscoverySelectorResolver().resolveSelectors(request, engine);
        return engine;
    }

    /** Classes one at a time, or at the same time with {@code multihost.execution.parallel.enabled=true}. */
    @Override
    protected HierarchicalTestExecutorService createExecutorService(ExecutionRequest request) {
        return ClassesInParallel.forRequest(request).orElseGet(() -> super.createExecutorService(request));
    }

    @Override
    protected MultiHostExecutionContext createExecutionContext(ExecutionRequest request) {
        return new MultiHostExecutionContext(request);
    }
}
