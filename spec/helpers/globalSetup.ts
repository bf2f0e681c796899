/** Jest's global setup: bundles the specs' child-process programs once per run (spec/helpers/childBundles.ts). */
import { bundleChildren } from './childBundles';

export default bundleChildren;
