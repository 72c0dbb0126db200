import { mountLightPage } from '../light/mount.js';
import { PortalPage } from '../pages/public/portal/portal-page.js';

mountLightPage(<PortalPage />);
