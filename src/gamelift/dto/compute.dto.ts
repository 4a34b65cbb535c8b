import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

/**
 * Inputs of GameLift Anywhere's compute operations, with the service
 * model's constraints (gamelift-2015-10-01: RegisterCompute, DescribeCompute,
 * ListCompute, DeregisterCompute, GetComputeAuthToken).
 */

const FLEET_ID_OR_ARN = /^[a-z]*fleet-[a-zA-Z0-9-]+$|^arn:.*:[a-z]*fleet\/[a-z]*fleet-[a-zA-Z0-9-]+$/;
const COMPUTE_NAME = /^[a-zA-Z0-9-]+(\/[a-zA-Z0-9-]+)?$/;
const COMPUTE_NAME_OR_ARN = /^[a-zA-Z0-9-]+(\/[a-zA-Z0-9-]+)?$|^arn:.*:compute\/[a-zA-Z0-9-]+(\/[a-zA-Z0-9-]+)?$/;
const IP_ADDRESS = /^[0-9A-Fa-f:.]+$/;
const DNS_NAME = /^[a-zA-Z0-9\-.]+$/;
const LOCATION = /^[A-Za-z0-9-]+$/;

class FleetMember {
  @IsDefined()
  @IsString()
  @Length(1, 512)
  @Matches(FLEET_ID_OR_ARN, { message: 'FleetId must be a fleet id (fleet-...) or a fleet ARN' })
  FleetId: string;
}

export class RegisterComputeInput extends FleetMember {
  @IsDefined()
  @IsString()
  @Length(1, 128)
  @Matches(COMPUTE_NAME, { message: 'ComputeName must satisfy the pattern ^[a-zA-Z0-9\\-]+(\\/[a-zA-Z0-9\\-]+)?$' })
  ComputeName: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  CertificatePath?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  @Matches(DNS_NAME, { message: 'DnsName must satisfy the pattern ^[a-zA-Z0-9\\-\\.]+$' })
  DnsName?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  @Matches(IP_ADDRESS, { message: 'IpAddress must satisfy the pattern ^[0-9A-Fa-f\\:\\.]+$' })
  IpAddress?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(LOCATION, { message: 'Location must satisfy the pattern ^[A-Za-z0-9\\-]+$' })
  Location?: string;
}

/** DescribeCompute, DeregisterCompute, GetComputeAuthToken: a fleet and a compute name or ARN. */
export class ComputeInput extends FleetMember {
  @IsDefined()
  @IsString()
  @Length(1, 1024)
  @Matches(COMPUTE_NAME_OR_ARN, { message: 'ComputeName must be a compute name or a compute ARN' })
  ComputeName: string;
}

export class ListComputeInput extends FleetMember {
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(LOCATION, { message: 'Location must satisfy the pattern ^[A-Za-z0-9\\-]+$' })
  Location?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  ContainerGroupDefinitionName?: string;

  @IsOptional()
  @IsIn(['ACTIVE', 'IMPAIRED'])
  ComputeStatus?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  Limit?: number;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  NextToken?: string;
}
