package io.junitmultihost.engine.internal.discovery;

import io.junitmultihost.engine.internal.descriptor.MultiHostEngineDescriptor;
import io.junitmultihost.engine.internal.model.TestClassModel;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.support.discovery.EngineDiscoveryRequestResolver;

/**
 * Resolves class, method, package, classpath-root, module and unique-ID selectors into the
 * engine's tree. Internal: public only for the engine class, like Jupiter's resolver of the same name.
 */
public final class DiscoverySelectorResolver {

    private static final EngineDiscoveryRequestResolver<MultiHostEngineDescriptor> RESOLVER =
            EngineDiscoveryRequestResolver.<MultiHostEngineDescriptor>builder()
                    // Classes it does not run are looked at too, to report annotations that would be ignored.
                    .addClassContainerSelectorResolver(c -> TestClassModel.isCandidate(c) || ForeignAnnotations.worthALook(c))
                    .addSelectorResolver(context -> new ClassSelectorResolver(context.getClassNameFilter(),
                            context.getIssueReporter()))
                    .addSelectorResolver(new MethodSelectorResolver())
                    .build();

    /** Adds what {@code request} selects to {@code engineDescriptor}. */
    public void resolveSelectors(EngineDiscoveryRequest request, MultiHostEngineDescriptor engineDescriptor) {
        RESOLVER.resolve(request, engineDescriptor);
    }
}
