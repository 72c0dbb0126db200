import { mountLightPage } from '../light/mount.js';
import { ProgressPage } from '../pages/public/progress/progress-page.js';

mountLightPage(<ProgressPage />);
