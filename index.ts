// Programmatic entry point: every node class and credential class of the package, by name.
export { OpenConnectorsApi } from './credentials/OpenConnectorsApi.credentials';
export { OpenConnectors } from './nodes/OpenConnectors/OpenConnectors.node';
export { CloseIoTrigger } from './nodes/CloseIoTrigger/CloseIoTrigger.node';
export { CloseIo } from './nodes/CloseIo/CloseIo.node';
