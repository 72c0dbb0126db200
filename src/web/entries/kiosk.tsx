import { mountLightPage } from '../light/mount.js';
import { KioskPage } from '../pages/public/kiosk/kiosk-page.js';

mountLightPage(<KioskPage />);
