import { mountLightPage } from '../light/mount.js';
import { OnlinePage } from '../pages/public/online/online-page.js';

mountLightPage(<OnlinePage />);
