// The offline shell: no server-rendered content, so the app renders itself on the device.
import init, { mount_offline } from '/pkg/readyward.js';

init({ module_or_path: '/pkg/readyward_bg.wasm' }).then(() => mount_offline());
