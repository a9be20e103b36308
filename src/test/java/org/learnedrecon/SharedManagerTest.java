package org.learnedrecon;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.learnedrecon.runtime.DeepLearningRuntime;

/**
 * Base of the tests whose tests share one {@link NDManager}, created through {@link DeepLearningRuntime} (the
 * engine on the plugin's class loader) before the first test and closed after the last; each test works in a
 * sub-manager of it or leaves its arrays to it.
 */
public abstract class SharedManagerTest {

    protected static NDManager manager;

    @BeforeAll
    static void openSharedManager() {
        manager = DeepLearningRuntime.call(NDManager::newBaseManager);
    }

    @AfterAll
    static void closeSharedManager() {
        manager.close();
    }
}
